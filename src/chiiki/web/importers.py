"""The staff file as a job of the import platform (the logins' own import lives in accounts,
which sits below the platform)."""

from __future__ import annotations

from chiiki.accounts import audit
from chiiki.accounts import services as account_services
from chiiki.accounts.staff_file import StaffFileError
from chiiki.core.tabular import Progress, TableError, read_table
from chiiki.core.uploads import upload_limits
from chiiki.imports.models import ImportJob, ImportKind
from chiiki.imports.runners import Outcome, cell, file_error, runner

NO_PASSWORD_YET = (
    "新しいログインにはまだパスワードがありません。「職員のアカウント」の画面で"
    "初期パスワードを発行してください（表示は一度だけです）"
)


@runner(ImportKind.STAFF)
def staff_run(job: ImportJob, data: bytes, progress: Progress) -> Outcome:
    """The file's logins; the initial passwords are issued on the staff page, not here,
    because the job's result is stored and stays readable."""
    try:
        table = read_table(data, job.filename, upload_limits(), progress)
        result = account_services.staff_import(
            municipality=job.municipality,
            table=table,
            actor=job.user,
            channel=audit.Channel.IMPORT,
        )
    except TableError as exc:
        return Outcome(ok=False, errors=[file_error(job.filename, exc)], error_count=1)
    except StaffFileError as exc:
        return Outcome(
            ok=False, errors=[cell(e, str(e)) for e in exc.errors], error_count=exc.count
        )
    message = f"「{job.filename}」: {result.message()}"
    if result.created:
        message += f"。{NO_PASSWORD_YET}"
    return Outcome(ok=True, summary={"message": message, **result.as_json()})
