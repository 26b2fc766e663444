from flask import redirect, render_template, url_for
from flask_login import current_user

from app.main import bp

HOME_BY_ROLE = {
    "clinician": "assess.worklist",
    "patient": "patient.self_assess",
    "admin": "admin.diseases",
    "ml": "ml.versions",
}


@bp.get("/")
def index():
    if current_user.is_authenticated:
        endpoint = HOME_BY_ROLE.get(current_user.role)
        from flask import current_app

        if endpoint and endpoint in current_app.view_functions:
            return redirect(url_for(endpoint))
    return render_template("main/index.html")
