"""Test and demo helpers: the year's expectations as leaders and people make them."""

from dyad.expectations import services
from dyad.expectations.models import ExpectationsRequest
from dyad.expectations.selectors import latest_document


def send_year(program, year, director) -> int:
    return services.expectations_send_year(program=program, year=year, acting_user=director)


def acknowledge(program, year, audience, person) -> ExpectationsRequest:
    doc = latest_document(program, year, audience)
    return services.expectations_acknowledge(
        program=program, year=year, audience=audience, version=doc.version, acting_user=person
    )
