"""What every console page shares: the templates, the Console (the desk, who may come in),
and `page`, which lets only signed-in people (of the right role, with the form's CSRF) in."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from bot.channels.bodies import Gone, TooLarge, read_body
from bot.channels.webconsole.access import (
    LANGUAGE_COOKIE,
    LoginLimiter,
    Roles,
    Viewer,
    csrf_ok,
    current_viewer,
)
from bot.desk.schedule import cohort_label
from bot.i18n import LANGUAGES, _, ngettext, normalize_language, use_language
from bot.runtime import Runtime

HERE = Path(__file__).parent

templates = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True),
    extensions=["jinja2.ext.i18n"],
)
templates.install_gettext_callables(_, ngettext, newstyle=False)  # type: ignore[attr-defined]


@dataclass
class Console:
    """What the routes share: the desk, who may come in, failed sign-ins."""

    runtime: Runtime
    roles: Roles
    limiter: LoginLimiter

    @property
    def secure_cookie(self) -> bool:
        return (self.runtime.settings.public_url or "").startswith("https://")

    def local(self, moment: Any) -> str:
        return f"{moment.astimezone(ZoneInfo(self.runtime.settings.timezone)):%Y-%m-%d %H:%M}"

    def render(
        self, request: Request, name: str, viewer: Viewer | None, status: int = 200, **data: Any
    ) -> HTMLResponse:
        language = normalize_language(request.cookies.get(LANGUAGE_COOKIE))
        with use_language(language):
            body = templates.get_template(name).render(
                viewer=viewer,
                language=language,
                languages=LANGUAGES,
                local=self.local,
                cohort_label=cohort_label,
                path=request.url.path,
                **data,
            )
        return HTMLResponse(body, status_code=status)

    def refuse(self, request: Request, viewer: Viewer | None) -> Response:
        """No session: pages send the person to the sign-in help; actions get 403."""
        if viewer is None and request.method == "GET":
            return RedirectResponse("/console/login", status_code=303)
        return self.render(request, "refused.html", viewer, status=403)


def page(console: Console, handler: Any, admins_only: bool = False) -> Any:
    """A route for signed-in people only (admins only, if so); forms must carry the CSRF."""

    async def endpoint(request: Request) -> Response:
        viewer = await current_viewer(request, console.runtime.sessions, console.roles)
        if viewer is None or (admins_only and not viewer.is_admin):
            return console.refuse(request, viewer)
        form = None
        if request.method == "POST":
            form = await read_form(request)
            if form is None or not csrf_ok(viewer, form.get("csrf")):
                return console.render(request, "refused.html", viewer, status=403)
        return await handler(console, request, viewer, form)  # type: ignore[no-any-return]

    return endpoint


async def read_form(request: Request) -> dict[str, str] | None:
    """A posted form (url-encoded: the console uploads no files), or None past 256 KB."""
    try:
        body = await read_body(request)
    except (TooLarge, Gone):
        return None
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
