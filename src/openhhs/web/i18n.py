"""English and Spanish strings for the pages, looked up by key; English is the fallback.

One flat table per language keeps translation reviewable in one place. Other capabilities may
add their own keys with `register()` at import time (e.g. the resident screener).
"""

from __future__ import annotations

from collections.abc import Mapping

LANGUAGES: tuple[str, ...] = ("en", "es")
DEFAULT_LANGUAGE = "en"

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "app.name": "OpenHHS",
        "app.tagline": "One resident, seen lawfully across agencies",
        "nav.skip": "Skip to main content",
        "nav.home": "Home",
        "nav.search": "Search",
        "nav.caseload": "My caseload",
        "nav.review": "Match review",
        "nav.signin": "Sign in",
        "nav.signout": "Sign out",
        "nav.language": "Español",
        "nav.api_docs": "API documentation",
        "nav.menu": "Menu",
        "nav.close": "Close",
        "nav.primary": "Primary navigation",
        "home.title": "Worker Connect",
        "home.lead": (
            "Find a client, see which agencies serve them and who their workers are, "
            "within what your agency's data-sharing agreements allow."
        ),
        "home.start": "Sign in to start",
        "footer.notice": (
            "Every look-up is recorded with its purpose. Use only for the purpose you chose."
        ),
        "error.title": "Something went wrong",
        "error.request_id": "Request id",
        "error.back": "Back to the start page",
        "error.404": "Page not found",
        "error.403": "You are not allowed to see this",
        "error.401": "Please sign in",
        "error.413": "What you sent is too large",
        "error.422": "Some of what you entered is not valid",
        "error.500": "An unexpected error occurred; it has been logged",
        "signin.title": "Sign in",
        "signin.username": "Username",
        "signin.password": "Password",
        "signin.submit": "Sign in",
        "signin.failed": "Sign-in failed. Check your username and password.",
        "purpose.title": "Why are you looking up clients?",
        "purpose.lead": "Your purpose decides what you may see. It is recorded with every look-up.",
        "purpose.submit": "Continue",
        "purpose.current": "Purpose",
        "purpose.change": "Change purpose",
        "search.title": "Find a client",
        "search.lead": (
            "Search by name, date of birth, last 4 of SSN, phone, or your agency's case number. "
            "There is no list of everyone: enter at least one criterion."
        ),
        "search.first_name": "First name",
        "search.last_name": "Last name",
        "search.dob": "Date of birth",
        "search.dob_hint": "For example: 1985-04-28",
        "search.ssn4": "Last 4 of SSN",
        "search.phone": "Phone",
        "search.case_number": "Case number (your agency)",
        "search.submit": "Search",
        "search.results": "Results",
        "search.none": "No client matches these criteria.",
        "search.need_criteria": "Enter at least one search criterion.",
        "search.score": "Match",
        "search.open": "Open snapshot",
        "search.previous": "Previous",
        "search.next": "Next",
        "snapshot.title": "Client snapshot",
        "snapshot.served_by": "Served by {n} agencies",
        "snapshot.served_by_one": "Served by 1 agency",
        "snapshot.demographics": "Demographics",
        "snapshot.contacts": "Contacts",
        "snapshot.household": "Household",
        "snapshot.enrollments": "Programs and workers",
        "snapshot.documents": "Documents",
        "snapshot.alerts": "Alerts",
        "snapshot.timeline": "Timeline across agencies",
        "snapshot.redacted": "Not shown",
        "snapshot.none": "None on record",
        "snapshot.sensitive_title": "Sensitive information",
        "snapshot.sensitive_prompt": (
            "This part is protected by law ({category}). Confirm your purpose to view it; "
            "the view is recorded."
        ),
        "snapshot.sensitive_confirm": "View, for my stated purpose",
        "snapshot.enterprise_id": "Enterprise ID (informational)",
        "field.case_number": "Case number",
        "snapshot.redactions": "What is not shown, and why",
        "field.name": "Name",
        "field.dob": "Date of birth",
        "field.sex": "Sex",
        "field.ssn": "SSN",
        "field.language": "Language",
        "field.address": "Address",
        "field.phone": "Phone",
        "field.program": "Program",
        "field.agency": "Agency",
        "field.status": "Status",
        "field.start": "Start",
        "field.end": "End",
        "field.worker": "Worker",
        "field.relationship": "Relationship",
        "field.type": "Type",
        "field.date": "Date",
        "field.event": "Event",
        "field.issuer": "Issuer",
        "caseload.title": "My caseload",
        "caseload.lead": "Your clients who are also active at another agency.",
        "caseload.none": "None of your clients is active at another agency.",
        "caseload.other_agencies": "Also active at",
        "review.title": "Match review queue",
        "review.lead": (
            "Pairs the matcher was not sure about. Decide whether they are the same person."
        ),
        "review.none": "Nothing waiting for review.",
        "review.open": "Review",
        "review.same": "Same person",
        "review.different": "Different people",
        "review.unmerge": "Unmerge",
        "review.weights": "Why: match weight by comparison",
        "review.total": "Total match weight",
        "review.probability": "Match probability",
        "review.decided": "Decision recorded.",
        "review.pending_label": "pending",
        "review.left": "Record A",
        "review.right": "Record B",
        "review.side_by_side": "The two records side by side (as your agreements allow)",
        "review.comparison": "Comparison",
        "review.weight": "Weight",
        "review.running": "Running total",
        "review.bar": "Bar",
        "review.unmerge_reason": "Reason for unmerging record B",
        "review.back": "Back to the queue",
        "history.title": "Access history",
    },
    "es": {
        "app.name": "OpenHHS",
        "app.tagline": "Una persona residente, vista legalmente entre agencias",
        "nav.skip": "Saltar al contenido principal",
        "nav.home": "Inicio",
        "nav.search": "Buscar",
        "nav.caseload": "Mis casos",
        "nav.review": "Revisión de coincidencias",
        "nav.signin": "Iniciar sesión",
        "nav.signout": "Cerrar sesión",
        "nav.language": "English",
        "nav.api_docs": "Documentación de la API",
        "nav.menu": "Menú",
        "nav.close": "Cerrar",
        "nav.primary": "Navegación principal",
        "home.title": "Worker Connect",
        "home.lead": (
            "Encuentre a un cliente, vea qué agencias le atienden y quiénes son sus trabajadores, "
            "dentro de lo que permiten los acuerdos de intercambio de datos de su agencia."
        ),
        "home.start": "Inicie sesión para empezar",
        "footer.notice": (
            "Cada consulta queda registrada con su propósito. Úsela solo para el propósito elegido."
        ),
        "error.title": "Algo salió mal",
        "error.request_id": "Identificador de la solicitud",
        "error.back": "Volver a la página de inicio",
        "error.404": "Página no encontrada",
        "error.403": "No tiene permiso para ver esto",
        "error.401": "Inicie sesión",
        "error.413": "Lo que envió es demasiado grande",
        "error.422": "Parte de lo que escribió no es válido",
        "error.500": "Ocurrió un error inesperado; quedó registrado",
        "signin.title": "Iniciar sesión",
        "signin.username": "Usuario",
        "signin.password": "Contraseña",
        "signin.submit": "Iniciar sesión",
        "signin.failed": "No se pudo iniciar sesión. Revise su usuario y contraseña.",
        "purpose.title": "¿Para qué busca clientes?",
        "purpose.lead": "Su propósito decide lo que puede ver. Se registra con cada consulta.",
        "purpose.submit": "Continuar",
        "purpose.current": "Propósito",
        "purpose.change": "Cambiar propósito",
        "search.title": "Buscar un cliente",
        "search.lead": (
            "Busque por nombre, fecha de nacimiento, últimos 4 del SSN, teléfono o número de caso "
            "de su agencia. No hay lista de todos: escriba al menos un criterio."
        ),
        "search.first_name": "Nombre",
        "search.last_name": "Apellido",
        "search.dob": "Fecha de nacimiento",
        "search.dob_hint": "Por ejemplo: 1985-04-28",
        "search.ssn4": "Últimos 4 del SSN",
        "search.phone": "Teléfono",
        "search.case_number": "Número de caso (su agencia)",
        "search.submit": "Buscar",
        "search.results": "Resultados",
        "search.none": "Ningún cliente coincide con estos criterios.",
        "search.need_criteria": "Escriba al menos un criterio de búsqueda.",
        "search.score": "Coincidencia",
        "search.open": "Abrir resumen",
        "search.previous": "Anterior",
        "search.next": "Siguiente",
        "snapshot.title": "Resumen del cliente",
        "snapshot.served_by": "Atendido por {n} agencias",
        "snapshot.served_by_one": "Atendido por 1 agencia",
        "snapshot.demographics": "Datos demográficos",
        "snapshot.contacts": "Contactos",
        "snapshot.household": "Hogar",
        "snapshot.enrollments": "Programas y trabajadores",
        "snapshot.documents": "Documentos",
        "snapshot.alerts": "Alertas",
        "snapshot.timeline": "Cronología entre agencias",
        "snapshot.redacted": "No se muestra",
        "snapshot.none": "Nada registrado",
        "snapshot.sensitive_title": "Información sensible",
        "snapshot.sensitive_prompt": (
            "Esta parte está protegida por la ley ({category}). Confirme su propósito para verla; "
            "la consulta queda registrada."
        ),
        "snapshot.sensitive_confirm": "Ver, para el propósito indicado",
        "snapshot.enterprise_id": "ID empresarial (informativo)",
        "field.case_number": "Número de caso",
        "snapshot.redactions": "Lo que no se muestra, y por qué",
        "field.name": "Nombre",
        "field.dob": "Fecha de nacimiento",
        "field.sex": "Sexo",
        "field.ssn": "SSN",
        "field.language": "Idioma",
        "field.address": "Dirección",
        "field.phone": "Teléfono",
        "field.program": "Programa",
        "field.agency": "Agencia",
        "field.status": "Estado",
        "field.start": "Inicio",
        "field.end": "Fin",
        "field.worker": "Trabajador",
        "field.relationship": "Parentesco",
        "field.type": "Tipo",
        "field.date": "Fecha",
        "field.event": "Evento",
        "field.issuer": "Emisor",
        "caseload.title": "Mis casos",
        "caseload.lead": "Sus clientes que también están activos en otra agencia.",
        "caseload.none": "Ninguno de sus clientes está activo en otra agencia.",
        "caseload.other_agencies": "También activo en",
        "review.title": "Cola de revisión de coincidencias",
        "review.lead": (
            "Pares sobre los que el sistema no estaba seguro. Decida si son la misma persona."
        ),
        "review.none": "Nada pendiente de revisión.",
        "review.open": "Revisar",
        "review.same": "Misma persona",
        "review.different": "Personas distintas",
        "review.unmerge": "Separar",
        "review.weights": "Por qué: peso de coincidencia por comparación",
        "review.total": "Peso total de coincidencia",
        "review.probability": "Probabilidad de coincidencia",
        "review.decided": "Decisión registrada.",
        "review.pending_label": "pendientes",
        "review.left": "Registro A",
        "review.right": "Registro B",
        "review.side_by_side": "Los dos registros lado a lado (según sus acuerdos)",
        "review.comparison": "Comparación",
        "review.weight": "Peso",
        "review.running": "Total acumulado",
        "review.bar": "Barra",
        "review.unmerge_reason": "Motivo para separar el registro B",
        "review.back": "Volver a la cola",
        "history.title": "Historial de acceso",
    },
}


def register(language: str, strings: Mapping[str, str]) -> None:
    """Add a capability's own strings (keys should be prefixed with the capability name)."""
    STRINGS.setdefault(language, {}).update(strings)


def translate(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The string for `key` in `lang`, falling back to English, then to the key itself."""
    text = STRINGS.get(lang, {}).get(key) or STRINGS[DEFAULT_LANGUAGE].get(key) or key
    return text.format(**params) if params else text


def pick_language(query: str | None, cookie: str | None, accept_language: str | None) -> str:
    """Explicit choice (query, then cookie) wins; otherwise the first supported Accept-Language."""
    for choice in (query, cookie):
        if choice in LANGUAGES:
            return choice
    for part in (accept_language or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE
