import pytest
from django.core.management.base import CommandError

from chiiki.web.commands import ChiikiCommand


def test_an_output_file_that_cannot_be_written_is_a_clear_command_error(tmp_path):
    with pytest.raises(CommandError, match="書き出せません"):
        ChiikiCommand().write_output("a,b\n", str(tmp_path / "missing" / "out.csv"))
