"""Flask extensions, created once and bound to the app in create_app()."""

from typing import Any

from flask import current_app, request
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx

from helpcenter.models.base import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate(render_as_batch=True)
babel = Babel()
csrf = CSRFProtect()
htmx = Htmx()
# gzip/brotli for pages and static files: an article page with its CSS and JS stays far
# below the 60 KB budget on the wire (about 66 KB uncompressed).
compress = Compress()
login_manager = LoginManager()


def _log_rate_limit_breach(limit: Any) -> None:
    """Anti-automation events go to the security log (never the database: a flood of them
    must not fill it). The answer stays Flask-Limiter's 429, rendered by helpcenter.errors."""
    from helpcenter import audit

    audit.log(
        "rate_limit.exceeded",
        endpoint=request.endpoint,
        ip=request.remote_addr,
        limit=str(limit.limit),
    )


# Keyed by client address (ProxyFix makes it the real one behind HELPCENTER_PROXY_COUNT
# proxies). Every POST without a limit of its own gets RATELIMIT_FORMS; reading is never
# limited. Storage: RATELIMIT_STORAGE_URI (memory:// on one process, redis:// for several).
limiter = Limiter(
    key_func=get_remote_address,
    default_limits=[lambda: current_app.config["RATELIMIT_FORMS"]],
    default_limits_exempt_when=lambda: request.method in ("GET", "HEAD", "OPTIONS"),
    headers_enabled=True,
    on_breach=_log_rate_limit_breach,
)
