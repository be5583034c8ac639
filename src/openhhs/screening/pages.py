"""The resident screener: a short, anonymous, step-by-step form in English and Spanish.

Step 1 asks the household size and housing; step 2 one short block per person plus income and
costs; the answer lists programs with reasons, where to apply and documents to bring. Each step is
a plain form (works without JavaScript); with htmx the steps swap in place. Nothing is stored:
the answers live only in the form fields and the request that screens them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from openhhs.screening.catalog import PROGRAMS
from openhhs.screening.service import screen_request
from openhhs.web.i18n import register
from openhhs.web.templating import page_context

pages = APIRouter(include_in_schema=False)

MAX_PEOPLE = 8
HOUSING = ("renting", "owner", "staying_with_friend", "shelter", "hotel", "prefer_not_to_say")
HOUSING_FIELD = {
    "renting": "livingRenting",
    "owner": "livingOwner",
    "staying_with_friend": "livingStayingWithFriend",
    "shelter": "livingShelter",
    "hotel": "livingHotel",
    "prefer_not_to_say": "livingPreferNotToSay",
}
RELATIONS = (
    "Spouse",
    "DomesticPartner",
    "Child",
    "StepChild",
    "FosterChild",
    "Grandchild",
    "Parent",
    "Grandparent",
    "SisterBrother",
    "Other",
    "Unrelated",
)
OTHER_INCOME = (
    "SSI",
    "SSRetirement",
    "SSDisability",
    "Unemployment",
    "CashAssistance",
    "ChildSupport",
    "Pension",
    "Veteran",
)

EN = {
    "title": "Check what you may qualify for",
    "lead": "Answer a few questions to see which New York City benefits your household may get. "
    "It is anonymous: we do not ask your name and we do not save your answers.",
    "step": "Step {n} of 2",
    "size": "How many people live in your household, including you?",
    "size_hint": "Count everyone who lives with you and shares food or expenses.",
    "housing": "Where do you live now?",
    "h.renting": "I rent",
    "h.owner": "I own my home",
    "h.staying_with_friend": "I stay with family or friends",
    "h.shelter": "In a shelter",
    "h.hotel": "In a hotel or motel",
    "h.prefer_not_to_say": "I prefer not to say",
    "next": "Next",
    "back": "Back",
    "see": "See my results",
    "you": "You",
    "person": "Person {n}",
    "age": "Age",
    "relation": "Relationship to you",
    "pregnant": "Pregnant",
    "disabled": "Has a disability",
    "student": "Student",
    "medicaid": "Has Medicaid",
    "money": "Money and costs (monthly)",
    "wages": "Household earnings from work, per month ($)",
    "other_income": "Other income, per month ($)",
    "other_type": "Type of other income",
    "rent": "Rent or mortgage, per month ($)",
    "childcare": "Child or dependent care, per month ($)",
    "medical": "Medical costs, per month ($)",
    "rel.Spouse": "Spouse",
    "rel.DomesticPartner": "Domestic partner",
    "rel.Child": "Child",
    "rel.StepChild": "Stepchild",
    "rel.FosterChild": "Foster child",
    "rel.Grandchild": "Grandchild",
    "rel.Parent": "Parent",
    "rel.Grandparent": "Grandparent",
    "rel.SisterBrother": "Sister or brother",
    "rel.Other": "Other relative",
    "rel.Unrelated": "Not related",
    "inc.SSI": "SSI",
    "inc.SSRetirement": "Social Security retirement",
    "inc.SSDisability": "Social Security disability",
    "inc.Unemployment": "Unemployment",
    "inc.CashAssistance": "Cash Assistance",
    "inc.ChildSupport": "Child support received",
    "inc.Pension": "Pension",
    "inc.Veteran": "Veterans benefits",
    "results": "Programs you may qualify for",
    "results_lead": "Based on your answers, as of {date}. The agency decides when you apply.",
    "none": "We did not find programs from your answers. Check again if something changes.",
    "more_info": "We need more information for these",
    "not_eligible": "Programs you likely do not qualify for, and why",
    "apply": "How to apply",
    "documents": "Documents to bring",
    "estimated": "Estimated amount",
    "status.eligible": "You qualify",
    "status.likely": "You likely qualify",
    "status.need_more_info": "Need more information",
    "status.not_eligible": "Likely not eligible",
    "errors": "Please fix these answers",
    "again": "Start over",
    "anonymous": "Nothing you entered was saved.",
}
ES = {
    "title": "Vea para qué podría calificar",
    "lead": "Responda algunas preguntas para ver qué beneficios de la Ciudad de Nueva York podría "
    "recibir su hogar. Es anónimo: no pedimos su nombre ni guardamos sus respuestas.",
    "step": "Paso {n} de 2",
    "size": "¿Cuántas personas viven en su hogar, incluyéndose usted?",
    "size_hint": "Cuente a todos los que viven con usted y comparten comida o gastos.",
    "housing": "¿Dónde vive ahora?",
    "h.renting": "Alquilo",
    "h.owner": "Soy dueño de mi vivienda",
    "h.staying_with_friend": "Me quedo con familiares o amigos",
    "h.shelter": "En un albergue",
    "h.hotel": "En un hotel o motel",
    "h.prefer_not_to_say": "Prefiero no decirlo",
    "next": "Siguiente",
    "back": "Atrás",
    "see": "Ver mis resultados",
    "you": "Usted",
    "person": "Persona {n}",
    "age": "Edad",
    "relation": "Relación con usted",
    "pregnant": "Embarazada",
    "disabled": "Tiene una discapacidad",
    "student": "Estudiante",
    "medicaid": "Tiene Medicaid",
    "money": "Dinero y gastos (mensuales)",
    "wages": "Ingresos del trabajo del hogar, por mes ($)",
    "other_income": "Otros ingresos, por mes ($)",
    "other_type": "Tipo de otros ingresos",
    "rent": "Alquiler o hipoteca, por mes ($)",
    "childcare": "Cuidado de niños o dependientes, por mes ($)",
    "medical": "Gastos médicos, por mes ($)",
    "rel.Spouse": "Cónyuge",
    "rel.DomesticPartner": "Pareja de hecho",
    "rel.Child": "Hijo o hija",
    "rel.StepChild": "Hijastro o hijastra",
    "rel.FosterChild": "Hijo de crianza",
    "rel.Grandchild": "Nieto o nieta",
    "rel.Parent": "Madre o padre",
    "rel.Grandparent": "Abuelo o abuela",
    "rel.SisterBrother": "Hermana o hermano",
    "rel.Other": "Otro pariente",
    "rel.Unrelated": "Sin parentesco",
    "inc.SSI": "SSI",
    "inc.SSRetirement": "Jubilación del Seguro Social",
    "inc.SSDisability": "Discapacidad del Seguro Social",
    "inc.Unemployment": "Desempleo",
    "inc.CashAssistance": "Asistencia en efectivo",
    "inc.ChildSupport": "Manutención recibida",
    "inc.Pension": "Pensión",
    "inc.Veteran": "Beneficios de veteranos",
    "results": "Programas para los que podría calificar",
    "results_lead": "Según sus respuestas, al {date}. La agencia decide cuando usted solicita.",
    "none": "No encontramos programas con sus respuestas. Vuelva a consultar si algo cambia.",
    "more_info": "Necesitamos más información para estos",
    "not_eligible": "Programas para los que probablemente no califica, y por qué",
    "apply": "Cómo solicitar",
    "documents": "Documentos que debe llevar",
    "estimated": "Monto estimado",
    "status.eligible": "Usted califica",
    "status.likely": "Probablemente califica",
    "status.need_more_info": "Se necesita más información",
    "status.not_eligible": "Probablemente no califica",
    "errors": "Por favor corrija estas respuestas",
    "again": "Empezar de nuevo",
    "anonymous": "No se guardó nada de lo que ingresó.",
}
register("en", {f"screening.{k}": v for k, v in EN.items()})
register("es", {f"screening.{k}": v for k, v in ES.items()})


def _int(value: Any, default: int, lo: int, hi: int) -> int:
    try:
        n = int(str(value))
    except (TypeError, ValueError):
        return default
    return min(max(n, lo), hi)


def _money(value: Any) -> str | None:
    text = str(value or "").strip().replace(",", "").replace("$", "")
    return text or None


def _render(request: Request, name: str, **values: Any) -> Response:
    templates = request.app.state.templates
    ctx = page_context(request, **values)
    if request.headers.get("HX-Request") and not request.headers.get("HX-Boosted"):
        ctx["partial"] = True
    return templates.TemplateResponse(request, name, ctx)


@pages.get("/screener", response_class=HTMLResponse, name="screening.screener")
def screener(request: Request) -> Response:
    """Step 1, or step 2 when the household size and housing are in the query."""
    q = request.query_params
    if q.get("step") == "2":
        size = _int(q.get("size"), 1, 1, MAX_PEOPLE)
        housing = q.get("housing") if q.get("housing") in HOUSING else ""
        return _render(
            request,
            "screening/step2.html",
            size=size,
            housing=housing,
            relations=RELATIONS,
            other_income=OTHER_INCOME,
            errors=[],
            form={},
        )
    return _render(request, "screening/step1.html", housing_options=HOUSING, max_people=MAX_PEOPLE)


def form_to_body(form: dict[str, Any]) -> tuple[list[dict[str, Any]], int]:
    """The form fields -> a NYC Benefits Screening API request body."""
    size = _int(form.get("size"), 1, 1, MAX_PEOPLE)
    household: dict[str, Any] = {}
    housing = form.get("housing")
    if housing in HOUSING_FIELD:
        household[HOUSING_FIELD[str(housing)]] = True
    persons: list[dict[str, Any]] = []
    for i in range(size):
        p: dict[str, Any] = {
            "age": form.get(f"age_{i}") or None,
            "householdMemberType": "HeadOfHousehold" if i == 0 else form.get(f"rel_{i}", "Other"),
        }
        if p["age"] is None:
            p.pop("age")
        for flag, field in (
            ("pregnant", "pregnant"),
            ("disabled", "disabled"),
            ("student", "student"),
            ("medicaid", "benefitsMedicaid"),
        ):
            if form.get(f"{flag}_{i}"):
                p[field] = True
        persons.append(p)
    head = persons[0]
    head["incomes"] = []
    head["expenses"] = []
    if (w := _money(form.get("wages"))) is not None:
        head["incomes"].append({"amount": w, "type": "Wages", "frequency": "Monthly"})
    other_type = form.get("other_type")
    if (o := _money(form.get("other_income"))) is not None and other_type in OTHER_INCOME:
        head["incomes"].append({"amount": o, "type": other_type, "frequency": "Monthly"})
    rent_type = "Mortgage" if housing == "owner" else "Rent"
    for field, typ in (("rent", rent_type), ("childcare", "ChildCare"), ("medical", "Medical")):
        if (v := _money(form.get(field))) is not None:
            head["expenses"].append({"amount": v, "type": typ, "frequency": "Monthly"})
    return [{"household": [household], "person": persons}], size


@pages.post("/screener/results", response_class=HTMLResponse, name="screening.results")
async def results(request: Request) -> Response:
    form = dict(await request.form())
    body, size = form_to_body(form)
    ctx = page_context(request)
    answer = screen_request(body, dt.date.today(), ctx["lang"])
    if answer["type"] == "FAILURE":
        return _render(
            request,
            "screening/step2.html",
            size=size,
            housing=form.get("housing", ""),
            relations=RELATIONS,
            other_income=OTHER_INCOME,
            errors=answer["errors"],
            form=form,
        )
    programs = answer["openhhs"]["programs"]
    groups: dict[str, list[dict[str, Any]]] = {"yes": [], "more": [], "no": []}
    for p in programs:
        key = {"eligible": "yes", "likely": "yes", "need_more_info": "more"}.get(p["status"], "no")
        p["agency"] = PROGRAMS[p["key"]].agency
        groups[key].append(p)
    return _render(
        request, "screening/results.html", groups=groups, as_of=answer["openhhs"]["asOf"]
    )
