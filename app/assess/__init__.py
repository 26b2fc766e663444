from flask import Blueprint

bp = Blueprint("assess", __name__)

from app.assess import questions, routes  # noqa: E402,F401  (views register on bp; questions: follow-up questions)
