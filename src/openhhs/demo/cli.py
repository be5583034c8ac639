"""Commands `serve` (the web app under uvicorn) and `demo` (city, ingest, link, accounts, serve)."""

from __future__ import annotations

import typer
from rich.console import Console

from openhhs.config import Settings

app = typer.Typer()
console = Console()


@app.command("serve")
def serve(
    host: str = typer.Option(None, help="Interface to bind (default OPENHHS_HOST or 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default OPENHHS_PORT or 8000)."),
    workers: int = typer.Option(1, min=1, max=16, help="Worker processes."),
    log_level: str = typer.Option("info", help="uvicorn log level."),
) -> None:
    """Serve the REST API (/api/v1, docs at /docs) and the Worker Connect portal."""
    import uvicorn

    settings = Settings.from_env()
    host = host or settings.host
    port = port or settings.port
    console.print(f"OpenHHS on http://{host}:{port}  (API docs: http://{host}:{port}/docs)")
    uvicorn.run(
        "openhhs.web:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        proxy_headers=False,
    )
