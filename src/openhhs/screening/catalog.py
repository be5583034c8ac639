"""The program catalogue: ACCESS NYC code, names and who-it-serves in English and Spanish,
administering agency, where to apply and the documents to bring (from `programs.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

DOCUMENTS: dict[str, tuple[str, str]] = {
    "id": (
        "Photo ID (IDNYC, passport, driver license)",
        "Identificación con foto (IDNYC, pasaporte, licencia)",
    ),
    "ssn": ("Social Security numbers", "Números de Seguro Social"),
    "income": (
        "Proof of income (pay stubs, award letters)",
        "Comprobantes de ingresos (talones de pago, cartas de beneficios)",
    ),
    "address": (
        "Proof of address (lease, utility bill)",
        "Comprobante de domicilio (contrato de alquiler, factura de servicios)",
    ),
    "rent": ("Lease and rent receipts", "Contrato de alquiler y recibos de renta"),
    "utilities": ("Heating or utility bills", "Facturas de calefacción o servicios"),
    "immigration": (
        "Immigration documents, if you are not a citizen",
        "Documentos de inmigración, si no es ciudadano",
    ),
    "birth": ("Child's birth certificate", "Acta de nacimiento del niño"),
    "tax": (
        "Last year's tax return and W-2/1099 forms",
        "Declaración de impuestos del año pasado y formularios W-2/1099",
    ),
    "childcare": (
        "Child care provider's name, address and costs",
        "Nombre, dirección y costos del proveedor de cuidado infantil",
    ),
    "deed": ("Deed or proof of ownership", "Escritura o prueba de propiedad"),
    "disability": (
        "Proof of disability (SSI/SSDI award letter)",
        "Prueba de discapacidad (carta de SSI/SSDI)",
    ),
    "veteran": ("DD-214 discharge papers", "Documento de baja DD-214"),
    "medical": (
        "Proof of pregnancy or medical condition",
        "Prueba de embarazo o de condición médica",
    ),
    "employment": (
        "Employment history or separation notice",
        "Historial laboral o aviso de despido",
    ),
    "school": ("School enrollment or working papers", "Inscripción escolar o permiso de trabajo"),
}


@dataclass(frozen=True)
class Program:
    code: str
    key: str
    agency: str
    url: str
    docs: tuple[str, ...]
    names: tuple[str, str]
    whos: tuple[str, str]

    def name(self, lang: str = "en") -> str:
        return self.names[1] if lang == "es" else self.names[0]

    def who(self, lang: str = "en") -> str:
        return self.whos[1] if lang == "es" else self.whos[0]

    def documents(self, lang: str = "en") -> list[str]:
        i = 1 if lang == "es" else 0
        return [DOCUMENTS[d][i] for d in self.docs]


def _load() -> dict[str, Program]:
    raw = yaml.safe_load((Path(__file__).parent / "programs.yaml").read_text(encoding="utf-8"))
    out = {}
    for code, spec in raw.items():
        prog = Program(
            code=code,
            key=spec["key"],
            agency=spec["agency"],
            url=spec["url"],
            docs=tuple(spec["docs"]),
            names=tuple(spec["name"]),
            whos=tuple(spec["who"]),
        )
        for d in prog.docs:
            if d not in DOCUMENTS:
                raise ValueError(f"{code}: unknown document key {d}")
        out[prog.key] = prog
    return out


PROGRAMS: dict[str, Program] = _load()
BY_CODE: dict[str, Program] = {p.code: p for p in PROGRAMS.values()}
