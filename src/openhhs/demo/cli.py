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


@app.command("demo")
def demo(
    people: int = typer.Option(10_000, min=100, max=1_000_000, help="Residents of the city."),
    seed: int = typer.Option(1, help="Random seed of the synthetic city."),
    host: str = typer.Option(None, help="Interface to bind (default OPENHHS_HOST or 127.0.0.1)."),
    port: int = typer.Option(None, help="Port (default OPENHHS_PORT or 8000)."),
    serve_after: bool = typer.Option(True, "--serve/--no-serve", help="Serve when ready."),
) -> None:
    """Build a synthetic city (generate, ingest, link, index), load agreements and demo
    accounts, print them, and serve the portal. A second run reuses what exists."""
    import os

    from rich.table import Table

    from openhhs.db.engine import make_engine
    from openhhs.demo.accounts import DEMO_USERS, demo_password
    from openhhs.demo.pipeline import DemoState, run_steps

    settings = Settings.from_env()
    demo_dir = settings.var_dir / "demo"
    params = {"people": people, "seed": seed, "database_url": settings.database_url}
    state = DemoState.load(demo_dir / "state.json", params)
    url = settings.database_url
    if not state.done and url.startswith("sqlite:///"):
        # a new city (or new parameters): start from an empty database file
        db_file = url.removeprefix("sqlite:///")
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(db_file + suffix):
                os.remove(db_file + suffix)
    engine = make_engine(url)
    if state.complete:
        console.print("[green]Demo city already built[/green]: reusing it.")
    else:
        try:
            run_steps(state, engine, demo_dir / "city", people, seed, console.print)
        except Exception as exc:
            console.print(f"[red]demo failed:[/red] {exc}")
            raise typer.Exit(1) from exc
    engine.dispose()

    host = host or settings.host
    port = port or settings.port
    table = Table(title=f"Demo accounts (password: {demo_password()})")
    for col in ("username", "agency", "role", "try"):
        table.add_column(col)
    for u in DEMO_USERS:
        table.add_row(u.username, u.agency, ", ".join(u.roles), u.what)
    console.print(table)
    if state.tokens:
        console.print("Agency push API tokens (Authorization: Bearer …):")
        for system, token in sorted(state.tokens.items()):
            console.print(f"  {system}: {token}", soft_wrap=True)
    console.print(
        "Guided tour: sign in as hra.caseworker, purpose 'Case management', search "
        "Maria Lopez 1985-04-28; then as dhs.caseworker; hra.steward reviews Ana Ruiz."
    )
    if serve_after:
        if host in ("127.0.0.1", "localhost"):
            os.environ.setdefault("OPENHHS_COOKIE_SECURE", "0")  # plain http on loopback
        serve(host=host, port=port, workers=1, log_level="warning")
