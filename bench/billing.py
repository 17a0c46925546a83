"""Billing benchmark: the monthly run of acts for every company, PDFs included, and one act
PDF of 200 lines.

Seeds a PostgreSQL database (unless `--reuse`) with N companies, one ticket each and M charges
in one month spread over them, then runs `acts_monthly_run(issue=True)` with each act's PDF
rendered by a worker process as it is made (what `billing_monthly_acts --issue --pdf-dir`
does), timing the run and sampling the process's resident memory every 250 acts (flat memory =
one batch at a time). BENCH_DATABASE names another database than deskline_billing_bench.

    .venv/bin/python bench/billing.py                         # 3,000 companies, 100,000 charges
    .venv/bin/python bench/billing.py --companies 300 --charges 10000
    .venv/bin/python bench/billing.py --reuse                  # keep the seeded database

Nothing here is part of the test suite; it only prints figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
SERVER = "postgres://postgres@127.0.0.1:5432"
#: BENCH_DATABASE names another database (e.g. one per worktree when two runs go side by side).
NAME = os.environ.get("BENCH_DATABASE", "deskline_billing_bench")
MONTH = (2026, 10)


def _rss_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{NAME}"')
        conn.execute(f'CREATE DATABASE "{NAME}"')


def seed(companies: int, charges: int) -> None:
    from deskline.accounts.models import Role, User
    from deskline.billing.models import CatalogItem, Charge, CompanyBilling, Price, PriceList
    from deskline.billing.money import line_amounts
    from deskline.clients.models import Company, Contact
    from deskline.tickets.services import ticket_create

    started = time.perf_counter()
    admin = User.objects.create(username="bench-admin", role=Role.ADMIN, is_superuser=True)
    items = [CatalogItem.objects.create(kind="hour" if i % 2 else "material", code=f"I{i}",
                                        name=f"Item {i}", name_ru=f"Работа или деталь {i}",
                                        vat_rate=Decimal(20)) for i in range(20)]  # fmt: skip
    price_list = PriceList.objects.create(name="default", valid_from=dt.date(2020, 1, 1))
    Price.objects.bulk_create(Price(price_list=price_list, item=item,
                                    amount=Decimal(100 + 37 * n)) for n, item in enumerate(items))  # fmt: skip
    rows = Company.objects.bulk_create(Company(name=f"ООО Клиент {n}", tax_id=f"77{n:08d}")
                                       for n in range(companies))  # fmt: skip
    CompanyBilling.objects.bulk_create(CompanyBilling(company=c, sees_prices=True, kpp="770101001")
                                       for c in rows)  # fmt: skip
    contacts = Contact.objects.bulk_create(Contact(company=c, name=f"Contact {c.pk}") for c in rows)
    tickets = [ticket_create(actor=admin, title="work", contact_id=c.pk) for c in contacts]
    print(f"seeded {companies:,} companies and tickets in {time.perf_counter() - started:.0f} s",
          flush=True)  # fmt: skip
    start = dt.date(*MONTH, 1)
    batch: list[Charge] = []
    for n in range(charges):
        item, ticket = items[n % len(items)], tickets[n % len(tickets)]
        price = Decimal(100 + 37 * (n % len(items)))
        quantity = Decimal(1 + n % 3)
        amounts = line_amounts(unit_price=price, quantity=quantity, vat_rate=Decimal(20),
                               includes_vat=True)  # fmt: skip
        batch.append(Charge(ticket=ticket, company_id=ticket.company_id, item=item,
                            description=item.name, kind=item.kind,
                            unit=item.unit, quantity=quantity, unit_price=price, currency="RUB",
                            prices_include_vat=True, vat_rate=Decimal(20), net=amounts.net,
                            vat=amounts.vat, total=amounts.total,
                            work_date=start + dt.timedelta(days=n % 28)))  # fmt: skip
        if len(batch) == 5000:
            Charge.objects.bulk_create(batch)
            batch = []
    Charge.objects.bulk_create(batch)
    print(f"seeded {charges:,} charges in {time.perf_counter() - started:.0f} s", flush=True)


def monthly_run() -> None:
    from deskline.billing.models import Act
    from deskline.billing.monthly_run import acts_monthly_run
    from deskline.billing.pdf_folder import PdfFolder

    samples: list[float] = []
    folder = Path(tempfile.mkdtemp(prefix="deskline-acts-"))
    before = _rss_mb()
    started = time.perf_counter()
    with PdfFolder(folder) as write_pdf:  # what `billing_monthly_acts --pdf-dir` does

        def write_and_sample(act: Act) -> None:
            write_pdf(act)
            if act.number and act.number % 250 == 0:
                samples.append(_rss_mb())

        result = acts_monthly_run(year=MONTH[0], month=MONTH[1], issue=True,
                                  on_act=write_and_sample)  # fmt: skip
    elapsed = time.perf_counter() - started
    print(f"monthly run: {result['acts']:,} acts for {result['companies']:,} companies, issued "
          f"with PDFs ({write_pdf.bytes / 2**20:.0f} MB in {folder}) in {elapsed:.1f} s; the "
          f"worker process spent {write_pdf.render_seconds:.1f} s rendering them", flush=True)  # fmt: skip
    if samples:
        print(f"resident memory: {before:.0f} MB before; during the run min {min(samples):.0f}, "
              f"median {statistics.median(samples):.0f}, max {max(samples):.0f} MB "
              f"(first sample {samples[0]:.0f}, last {samples[-1]:.0f})")  # fmt: skip
    print(
        f"peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
    )


def pdf_200_lines() -> None:
    from deskline.billing.documents import act_document
    from deskline.billing.models import Act
    from deskline.billing.pdf import act_pdf

    act = Act.objects.exclude(number=None).first()
    assert act is not None
    document = act_document(act)
    document = {**document, "lines": (document["lines"] * 200)[:200]}
    act_pdf(document)
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        act_pdf(document)
        times.append((time.perf_counter() - t0) * 1000)
    print(f"act PDF of 200 lines: median {statistics.median(times):.0f} ms of 7")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--companies", type=int, default=3000)
    parser.add_argument("--charges", type=int, default=100_000)
    parser.add_argument("--reuse", action="store_true", help="keep the seeded database")
    args = parser.parse_args()
    if not args.reuse:
        recreate_database()
    os.environ["DATABASE_URL"] = f"{SERVER}/{NAME}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    if not args.reuse:
        seed(args.companies, args.charges)
    else:  # a rerun bills the month again
        from deskline.billing.models import Act, ActCounter, Charge

        # In the database, without loading rows (the peak RSS printed is then the run's).
        Charge.objects.update(act=None)
        Act.objects.all()._raw_delete(Act.objects.db)  # type: ignore[attr-defined]
        ActCounter.objects.all().delete()
    monthly_run()
    pdf_200_lines()
    return 0


if __name__ == "__main__":
    sys.exit(main())
