from flask import Blueprint

bp = Blueprint("patient", __name__)

from app.patient import questions, routes  # noqa: E402,F401  (views register on bp; questions: follow-up questions)
