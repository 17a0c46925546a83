from tests.channels.mailservers import smtp_sink  # noqa: F401 - fixture
from tests.channels.test_webhooks import receiver  # noqa: F401 - fixture
