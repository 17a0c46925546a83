from tests.channels.conftest import jobs, mailbox, raw_mail  # noqa: F401 - shared fixtures
from tests.channels.mailservers import smtp_sink  # noqa: F401 - fixture
