"""Article images and attachments: stored under the ticket attachments' limits, shown inline
(images) or downloaded, to exactly the readers of the article."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deskline.accounts.models import User
from deskline.core.errors import NotFound, PermissionDenied, ValidationFailed
from deskline.knowledge.article_selectors import article_file_for
from deskline.knowledge.article_services import article_file_add
from deskline.knowledge.markdown import render_markdown
from deskline.knowledge.models import ArticleAudience, ArticleState
from tests.factories import CompanyFactory, ContactFactory, ContactUserFactory
from tests.knowledge.factories import article

pytestmark = pytest.mark.django_db
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def add(admin: User, article_id: int, name: str = "jam.png", data: bytes = PNG) -> Any:
    return article_file_add(actor=admin, article_id=article_id, filename=name,
                            content=io.BytesIO(data), size=len(data))  # fmt: skip


@pytest.fixture
def client_user(db: None) -> User:
    return ContactUserFactory(contact=ContactFactory(company=CompanyFactory()))


def test_an_uploaded_image_is_stored_with_its_checked_type(admin: User) -> None:
    row = add(admin, article().pk)
    assert (row.content_type, row.is_image, row.size) == ("image/png", True, len(PNG))
    assert row.file.read() == PNG


def test_an_executable_is_refused_like_on_a_ticket(admin: User) -> None:
    with pytest.raises(ValidationFailed, match="not accepted"):
        add(admin, article().pk, "setup.exe", b"MZ" + b"\x00" * 64)


def test_a_file_over_the_upload_limit_is_refused(admin: User, settings: Any) -> None:
    settings.DESKLINE_MAX_UPLOAD_BYTES = 10
    with pytest.raises(ValidationFailed, match="larger"):
        add(admin, article().pk)


def test_clients_cannot_upload(admin: User, client_user: User) -> None:
    pk = article().pk
    with pytest.raises(PermissionDenied):
        add(client_user, pk)


def test_an_image_link_survives_sanitising() -> None:
    html = render_markdown("![jam](/portal/help/articles/1/files/2/)")
    assert '<img src="/portal/help/articles/1/files/2/" alt="jam">' in html


def test_an_image_opens_inline_and_an_attachment_downloads(
    admin: User, client_user: User, client: Any
) -> None:
    pk = article().pk
    image, manual = add(admin, pk), add(admin, pk, "manual.pdf", b"%PDF-1.4\n" + b"x" * 40)
    client.force_login(client_user)
    shown = client.get(image.url)
    assert shown.status_code == 200 and shown["Content-Disposition"].startswith("inline")
    assert shown["Content-Type"] == "image/png"
    got = client.get(manual.url)
    assert got["Content-Disposition"].startswith("attachment")


def test_the_article_page_lists_its_attachments(
    admin: User, client_user: User, client: Any
) -> None:
    pk = article().pk
    manual = add(admin, pk, "manual.pdf", b"%PDF-1.4\n" + b"x" * 40)
    client.force_login(client_user)
    page = client.get(f"/portal/help/articles/{pk}/").content.decode()
    assert manual.url in page and "manual.pdf" in page


def test_an_internal_articles_files_are_not_found_for_clients_and_visitors(
    admin: User, client_user: User, client: Any
) -> None:
    row = add(admin, article(audience=ArticleAudience.INTERNAL).pk)
    with pytest.raises(NotFound):
        article_file_for(user=client_user, article_id=row.article_id, file_id=row.pk)
    assert client.get(row.url).status_code == 404
    client.force_login(client_user)
    assert client.get(row.url).status_code == 404
    client.force_login(admin)
    assert client.get(row.url).status_code == 200


def test_a_drafts_images_open_for_staff_only(admin: User, client_user: User) -> None:
    row = add(admin, article(state=ArticleState.DRAFT, audience=ArticleAudience.PUBLIC).pk)
    assert article_file_for(user=admin, article_id=row.article_id, file_id=row.pk) == row
    with pytest.raises(NotFound):
        article_file_for(user=client_user, article_id=row.article_id, file_id=row.pk)


def test_a_file_is_found_only_under_its_own_article(admin: User) -> None:
    row = add(admin, article().pk)
    other = article(title="Other")
    with pytest.raises(NotFound):
        article_file_for(user=admin, article_id=other.pk, file_id=row.pk)


def test_the_editor_uploads_lists_and_deletes_files(admin: User, client: Any) -> None:
    pk = article().pk
    client.force_login(admin)
    upload = SimpleUploadedFile("jam.png", PNG, content_type="image/png")
    assert client.post(f"/kb/{pk}/files/", {"files": [upload]}).status_code == 302
    page = client.get(f"/kb/{pk}/edit/").content.decode()
    row = article_file_for(
        user=admin, article_id=pk, file_id=int(page.split("/files/")[1].split("/")[0])
    )
    assert f"![jam.png]({row.url})" in page
    assert client.post(f"/kb/{pk}/files/{row.pk}/delete/").status_code == 302
    with pytest.raises(NotFound):
        article_file_for(user=admin, article_id=pk, file_id=row.pk)


def test_a_refused_upload_is_explained_in_the_editor(admin: User, client: Any) -> None:
    pk = article().pk
    client.force_login(admin)
    upload = SimpleUploadedFile("run.exe", b"MZ" + b"\x00" * 64)
    response = client.post(f"/kb/{pk}/files/", {"files": [upload]}, follow=True)
    assert "run.exe: files of type .exe are not accepted" in response.content.decode()


def test_the_api_uploads_for_staff_and_lists_files_on_the_article(
    admin: User, client_user: User, api_for: Any
) -> None:
    pk = article().pk
    upload = SimpleUploadedFile("jam.png", PNG, content_type="image/png")
    created = api_for(admin).upload(f"kb/articles/{pk}/files", {"file": upload})
    assert created.status_code == 201 and created.json()["is_image"] is True
    body = api_for(client_user).get(f"kb/articles/{pk}").json()
    assert [f["filename"] for f in body["files"]] == ["jam.png"]
    again = SimpleUploadedFile("jam.png", PNG, content_type="image/png")
    refused = api_for(client_user).upload(f"kb/articles/{pk}/files", {"file": again})
    assert refused.status_code == 403
