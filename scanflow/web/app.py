"""The dashboard application: routes, sign-in enforcement, CSRF, security headers, error pages, static files."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import HTTPException as FastAPIHTTPException
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from scanflow.config import Settings
from scanflow.store.db import Database
from scanflow.web.deps import (
    CsrfRejected,
    Forbidden,
    LoginRequired,
    csrf_guard,
    current_viewer,
    login_url,
    render,
)
from scanflow.web.routes import admin, api, auth, dossiers, overview, reports, review, search

STATIC = Path(__file__).parent / "static"

# Everything the pages load comes from the app itself: no CDN, no inline script, nothing framed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Adds the security headers to every response; pages with personal data are not cached."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                for name, value in SECURITY_HEADERS:
                    # a PDF opened in the browser must not inherit the pages' policy (it would block the viewer)
                    if name not in present and (name != b"content-security-policy" or b"html" in content_type):
                        headers.append((name, value))
                if not is_static and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


ERROR_PAGES = {
    403: ("Không có quyền", "Vai trò của bạn không được dùng chức năng này."),
    404: ("Không tìm thấy", "Trang hoặc tệp này không tồn tại."),
}


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, _exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "authentication required"}, status_code=401)
        return RedirectResponse(login_url(request), status_code=303)

    @app.exception_handler(Forbidden)
    async def forbidden(request: Request, _exc: Forbidden) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "forbidden"}, status_code=403)
        heading, message = ERROR_PAGES[403]
        return render(request, "error.html", {"heading": heading, "message": message}, status=403)

    @app.exception_handler(CsrfRejected)
    async def csrf_rejected(request: Request, _exc: CsrfRejected) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": "CSRF token missing or wrong"}, status_code=403)
        context = {
            "heading": "Yêu cầu bị từ chối",
            "message": "Biểu mẫu đã hết hạn hoặc không hợp lệ. Hãy tải lại trang và thử lại.",
        }
        return render(request, "error.html", context, status=403)

    async def http_error(request: Request, exc: HTTPException) -> Response:
        if not request.url.path.startswith("/static/") and current_viewer(request) is None:
            return await login_required(request, LoginRequired())  # not even whether a page exists
        if _wants_json(request) or exc.status_code not in ERROR_PAGES:
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        heading, message = ERROR_PAGES[exc.status_code]
        return render(request, "error.html", {"heading": heading, "message": message}, status=exc.status_code)

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(FastAPIHTTPException, http_error)


def create_app(settings: Settings, database: Database) -> FastAPI:
    """The dashboard for one station home; every route but /login and /static needs a signed-in user."""
    # No interactive API docs: they would load scripts from a CDN.
    app = FastAPI(
        title="scanflow",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        dependencies=[Depends(csrf_guard)],
    )
    app.state.settings = settings
    app.state.db = database
    for module in (auth, overview, dossiers, review, search, reports, admin, api):
        app.include_router(module.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    _install_error_handlers(app)
    app.add_middleware(SecurityHeaders)
    return app
