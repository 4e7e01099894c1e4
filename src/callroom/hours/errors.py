"""What the hours service refuses, as errors that name the field and carry their HTTP status.

They extend the paging errors' convention (`field`, `message`, `status`), so the API turns them
into `{"error", "field", "errors"}` JSON and the CLI into a message and exit code 2.
"""

from __future__ import annotations

from collections.abc import Sequence

from callroom.domain.worklog import FieldError
from callroom.paging.service import PagingError


class HoursError(PagingError):
    """Bad input: nothing was saved. `errors` lists every problem found, the first is `field`."""

    status = 422

    def __init__(self, field: str, message: str, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(field, message)
        self.problems = tuple(errors) or (FieldError(field, message),)
        # The shape the API's error handler puts in the JSON body's "errors".
        self.errors = [{"field": e.field, "message": e.message} for e in self.problems]

    @classmethod
    def of(cls, errors: Sequence[FieldError]) -> HoursError:
        return cls(errors[0].field, "; ".join(str(e) for e in errors), errors)


class HoursNotFound(HoursError):
    status = 404


class HoursNotAllowed(HoursError):
    status = 403


class HoursConflict(HoursError):
    """The action does not fit the current state (clocking in twice, out without clocking in)."""

    status = 409
