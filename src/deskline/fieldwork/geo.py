"""Distances on the Earth and travel time at a set speed (pure: no ORM, no I/O).

Straight-line (great-circle) distance is what the dispatcher's checks and the route suggestion
use when no road network is at hand; a configurable average speed turns it into minutes."""

from __future__ import annotations

import math
from dataclasses import dataclass

EARTH_RADIUS_M = 6_371_008.8


@dataclass(frozen=True)
class Point:
    latitude: float
    longitude: float


def distance_m(a: Point, b: Point) -> float:
    """Great-circle distance in metres (haversine)."""
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    dlat = lat2 - lat1
    dlon = math.radians(b.longitude - a.longitude)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def travel_minutes(a: Point, b: Point, *, speed_kmh: float) -> int:
    """Whole minutes (rounded up) to cover the straight line from a to b at `speed_kmh`."""
    if speed_kmh <= 0:
        raise ValueError("the speed must be positive")
    return math.ceil(distance_m(a, b) / 1000 / speed_kmh * 60)


def point_or_none(latitude: object, longitude: object) -> Point | None:
    """A point from two optional numbers (Decimal, float, str); None when either is missing."""
    if latitude is None or longitude is None or latitude == "" or longitude == "":
        return None
    lat, lon = float(str(latitude)), float(str(longitude))
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    return Point(lat, lon)
