"""The smallest Flask app: one constant page. Its speed is the ceiling for this stack.

gunicorn -w 2 -b 127.0.0.1:8001 bench.baseline:app
"""

from __future__ import annotations

from flask import Flask

PAGE = """<!doctype html>
<html lang="nb">
<head><meta charset="utf-8"><title>Medvirke baseline</title></head>
<body><h1>Medvirke</h1><p>Hei.</p></body>
</html>
"""

app = Flask(__name__)


@app.get("/")
def index() -> tuple[str, int, dict[str, str]]:
    return PAGE, 200, {"Content-Type": "text/html; charset=utf-8"}
