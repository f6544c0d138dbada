from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from chiiki.accounts.selectors import user_by_username
from chiiki.accounts.services import api_token_create


class Command(BaseCommand):
    help = (
        "API トークンを発行する: chiiki apitoken USERNAME NAME。トークンはこの1回だけ表示されます。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="用途（例: 集計スクリプト）")

    def handle(self, *args: Any, username: str, name: str, **options: Any) -> None:
        user = user_by_username(username=username)
        if user is None:
            raise CommandError(f"ユーザー「{username}」はいません")
        _, raw = api_token_create(user=user, name=name)
        self.stdout.write(raw)
