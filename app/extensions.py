"""Extension singletons, bound to the app in `create_app` (docs/ARCHITECTURE.md)."""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from models import db

migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
mail = Mail()
# Storage comes from RATELIMIT_STORAGE_URI (memory:// by default, redis://... when scaled out).
limiter = Limiter(key_func=get_remote_address, default_limits=[])

__all__ = ["csrf", "db", "limiter", "login_manager", "mail", "migrate"]
