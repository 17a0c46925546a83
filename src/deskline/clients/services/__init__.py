"""Writes to the client registry: one atomic, validating function per change.

Only administrators, supervisors and dispatchers (and superusers) change the registry. Rules
about one row come from the models (lengths, choices, formats via `full_clean`); rules across
rows live here: references exist, a site, parent item or covered item belongs to the same
company, names and numbers are unique, equipment parameters fit their kind. Updates take a
mapping of the fields to change; a company never changes under a site, item or contract,
because tickets and coverage hang off it.

One module per concept; `common` holds what they share. Import from this package.
"""

from deskline.clients.services.companies import (
    CATEGORY_FIELDS,
    COMPANY_FIELDS,
    DOMAIN,
    company_category_create,
    company_category_update,
    company_create,
    company_update,
)
from deskline.clients.services.contacts import (
    CONTACT_FIELDS,
    contact_create,
    contact_portal_access_grant,
    contact_update,
)
from deskline.clients.services.contracts import CONTRACT_FIELDS, contract_create, contract_update
from deskline.clients.services.equipment import (
    EQUIPMENT_FIELDS,
    KIND_FIELDS,
    MANUFACTURER_FIELDS,
    MAX_EQUIPMENT_DEPTH,
    MODEL_FIELDS,
    equipment_create,
    equipment_kind_create,
    equipment_kind_update,
    equipment_model_create,
    equipment_model_update,
    equipment_update,
    manufacturer_create,
    manufacturer_update,
)
from deskline.clients.services.sites import SITE_FIELDS, site_create, site_update
from deskline.core.permissions import require_registry_writer
from deskline.core.roles import REGISTRY_WRITER_ROLES as WRITER_ROLES

__all__ = [
    "CATEGORY_FIELDS",
    "COMPANY_FIELDS",
    "CONTACT_FIELDS",
    "CONTRACT_FIELDS",
    "DOMAIN",
    "EQUIPMENT_FIELDS",
    "KIND_FIELDS",
    "MANUFACTURER_FIELDS",
    "MAX_EQUIPMENT_DEPTH",
    "MODEL_FIELDS",
    "SITE_FIELDS",
    "WRITER_ROLES",
    "company_category_create",
    "company_category_update",
    "company_create",
    "company_update",
    "contact_create",
    "contact_portal_access_grant",
    "contact_update",
    "contract_create",
    "contract_update",
    "equipment_create",
    "equipment_kind_create",
    "equipment_kind_update",
    "equipment_model_create",
    "equipment_model_update",
    "equipment_update",
    "manufacturer_create",
    "manufacturer_update",
    "require_registry_writer",
    "site_create",
    "site_update",
]
