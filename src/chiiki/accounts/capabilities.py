"""Who may do what, and where: the one table of roles × capabilities.

Each capability lists the roles that hold it and, for each role, the scope it reaches:

- ``municipality``: the user's whole municipality;
- ``areas``: the user's life areas (administrators and municipal staff without areas set:
  the whole municipality; support-center staff and coordinators without areas: nothing);
- ``own_record``: the user's own person record (a volunteer);
- ``own_jobs``: the mutual-aid jobs given to the user, and their own volunteer profile and
  days away (a volunteer);
- ``prefecture``: aggregates of the municipalities of the user's prefecture, never a person;
- ``invited``: the community care meetings the user is invited to (an outside professional),
  their cases anonymised.

Health data (要配慮個人情報: care level, insured number, screening and survey answers) is a
capability of its own, held by administrators, municipal staff and support-center staff.
The table is data: `chiiki.accounts.access` reads it, django-rules holds a predicate for
each entry, and one test walks every persona against every capability.
"""

from __future__ import annotations

from enum import StrEnum
from types import MappingProxyType

from chiiki.accounts.models import Role


class Scope(StrEnum):
    MUNICIPALITY = "municipality"
    AREAS = "areas"
    OWN_RECORD = "own_record"
    OWN_JOBS = "own_jobs"
    PREFECTURE = "prefecture"
    INVITED = "invited"


class Cap(StrEnum):
    # areas
    DASHBOARD_VIEW = "areas.view_dashboard"
    POPULATION_IMPORT = "areas.import_population"
    AREAS_IMPORT = "areas.import_tree"
    # accounts
    AUDIT_VIEW = "accounts.view_audit"
    USERS_MANAGE = "accounts.manage_users"
    # people
    PEOPLE_LIST = "people.list"
    PEOPLE_VIEW = "people.view"
    HEALTH_VIEW = "people.view_health"
    PEOPLE_EDIT = "people.edit"
    PEOPLE_IMPORT = "people.import_register"
    CARE_IMPORT = "people.import_care"
    # surveys (ニーズ把握)
    SURVEY_RESULTS = "surveys.view_results"
    SURVEY_ANSWERS = "surveys.view_answers"
    SURVEY_IMPORT = "surveys.import"
    SURVEY_VISITS = "surveys.visit"
    SURVEY_FOLLOWUP = "surveys.followup"
    KCL_SCREEN = "surveys.screen"
    # resources (地域資源)
    RESOURCES_VIEW = "resources.view"
    RESOURCE_GAPS = "resources.view_gaps"
    RESOURCE_SHEET_EDIT = "resources.edit_sheet"
    RESOURCES_EDIT = "resources.edit"
    # mutual aid (助け合い)
    MUTUALAID_MANAGE = "mutualaid.manage"
    MUTUALAID_OWN_JOBS = "mutualaid.own_jobs"
    # councils (協議体と地域課題)
    COUNCILS_VIEW = "councils.view"
    COUNCILS_MANAGE = "councils.manage"
    ISSUES_EDIT = "councils.edit_issues"
    WATCH = "councils.watch"
    HUDDLE = "councils.huddle"
    # community care meetings (地域ケア会議)
    CASES_VIEW = "casemeetings.view"
    CASES_IDENTIFY = "casemeetings.identify"
    CASES_MANAGE = "casemeetings.manage"
    CASES_ROLLUP = "casemeetings.rollup"
    POLICY_EDIT = "casemeetings.edit_policy"
    # indicators (指標と計画)
    INDICATORS_VIEW = "indicators.view"
    INDICATORS_EDIT = "indicators.edit"
    # prefecture (都道府県による市町村支援)
    PREFECTURE_VIEW = "prefecture.view"
    PREFECTURE_EDIT = "prefecture.edit"
    # scheduler (定期処理)
    JOBS_VIEW = "scheduler.view_runs"


A, M, S, C, V, P, X = (
    Role.ADMINISTRATOR,
    Role.MUNICIPAL,
    Role.SUPPORT_CENTER,
    Role.COORDINATOR,
    Role.VOLUNTEER,
    Role.PREFECTURE,
    Role.ADVISOR,
)
MUN, AREAS, OWN, JOBS, PREF, INV = (
    Scope.MUNICIPALITY,
    Scope.AREAS,
    Scope.OWN_RECORD,
    Scope.OWN_JOBS,
    Scope.PREFECTURE,
    Scope.INVITED,
)

# capability -> {role: scope}. A role that is not listed does not hold the capability.
_TABLE: dict[Cap, dict[Role, Scope]] = {
    Cap.DASHBOARD_VIEW: {A: MUN, M: MUN, S: MUN, C: MUN, P: PREF},
    Cap.POPULATION_IMPORT: {A: MUN, M: MUN},
    # The tree every record hangs from: its administrator alone reshapes it.
    Cap.AREAS_IMPORT: {A: MUN},
    Cap.AUDIT_VIEW: {A: MUN},
    Cap.USERS_MANAGE: {A: MUN},
    Cap.PEOPLE_LIST: {A: AREAS, M: AREAS, S: AREAS, C: AREAS},
    Cap.PEOPLE_VIEW: {A: AREAS, M: AREAS, S: AREAS, C: AREAS, V: OWN},
    Cap.HEALTH_VIEW: {A: AREAS, M: AREAS, S: AREAS},
    Cap.PEOPLE_EDIT: {A: AREAS, M: AREAS, S: AREAS},
    # The register extract covers the whole municipality and marks people moved out.
    Cap.PEOPLE_IMPORT: {A: MUN, M: MUN},
    # The insurer's certification file covers the whole municipality: its care-insurance
    # staff (the insurer) import it, never a support center.
    Cap.CARE_IMPORT: {A: MUN, M: MUN},
    Cap.SURVEY_RESULTS: {A: MUN, M: MUN, S: MUN, C: MUN, P: PREF},
    Cap.SURVEY_ANSWERS: {A: AREAS, M: AREAS, S: AREAS},
    Cap.SURVEY_IMPORT: {A: MUN, M: MUN},
    Cap.SURVEY_VISITS: {A: AREAS, M: AREAS, S: AREAS},
    Cap.SURVEY_FOLLOWUP: {A: AREAS, M: AREAS, S: AREAS},
    Cap.KCL_SCREEN: {A: AREAS, M: AREAS, S: AREAS},
    # The directory is public information: everyone of a municipality reads all of it.
    Cap.RESOURCES_VIEW: {A: MUN, M: MUN, S: MUN, C: MUN, V: MUN, P: PREF},
    # Coverage gaps count people living alone, district by district.
    Cap.RESOURCE_GAPS: {A: AREAS, M: AREAS, S: AREAS, C: AREAS},
    Cap.RESOURCE_SHEET_EDIT: {A: AREAS, M: AREAS, S: AREAS, C: AREAS},
    # The directory by hand: the municipality keeps all of it; a coordinator or support
    # center the services of its own districts (a service in no district: municipal only).
    Cap.RESOURCES_EDIT: {A: MUN, M: MUN, S: AREAS, C: AREAS},
    Cap.MUTUALAID_MANAGE: {A: AREAS, M: AREAS, S: AREAS, C: AREAS},
    Cap.MUTUALAID_OWN_JOBS: {V: JOBS},
    # Bodies, meetings, questionnaire results and the register are the municipality's
    # working papers: its staff read all of them; each runs the bodies of their own areas.
    Cap.COUNCILS_VIEW: {A: MUN, M: MUN, S: MUN, C: MUN},
    Cap.COUNCILS_MANAGE: {A: MUN, M: MUN, S: AREAS, C: AREAS},
    Cap.ISSUES_EDIT: {A: MUN, M: MUN, S: AREAS, C: AREAS},
    # Households discussed by a watch-over network, by name: the people who pass them on.
    Cap.WATCH: {A: AREAS, M: AREAS, S: AREAS, C: AREAS},
    # The daily huddle's notes about a resident are health information.
    Cap.HUDDLE: {A: AREAS, M: AREAS, S: AREAS},
    # Community care meetings: staff read every series, meeting and case of the municipality,
    # to learn from similar cases; a case names its resident (and shows the person's
    # checklist) only to the health roles of its area. An outside professional reads the
    # meetings they are invited to, their cases anonymised; so does a coordinator.
    Cap.CASES_VIEW: {A: MUN, M: MUN, S: MUN, C: MUN, X: INV},
    Cap.CASES_IDENTIFY: {A: AREAS, M: AREAS, S: AREAS},
    Cap.CASES_MANAGE: {A: MUN, M: MUN, S: AREAS},
    # Tag counts by district: aggregates, for everyone who works on the register.
    Cap.CASES_ROLLUP: {A: MUN, M: MUN, S: MUN, C: MUN},
    # Measures (施策) are the municipality's decision.
    Cap.POLICY_EDIT: {A: MUN, M: MUN},
    # Indicators are aggregates of the municipality: everyone who plans with them reads them.
    Cap.INDICATORS_VIEW: {A: MUN, M: MUN, S: MUN, C: MUN},
    # The figures from outside, the grant's self-assessment and who owns which district are
    # the insurer's: its administrator and municipal staff keep them.
    Cap.INDICATORS_EDIT: {A: MUN, M: MUN},
    # The prefecture's side: its municipalities' aggregates side by side, and its own records
    # of support (dispatches, team visits, seminars). Never a person.
    Cap.PREFECTURE_VIEW: {P: PREF},
    Cap.PREFECTURE_EDIT: {P: PREF},
    # When the periodic jobs ran and how it went: counts only, for the administrator.
    Cap.JOBS_VIEW: {A: MUN},
}

TABLE = MappingProxyType({cap: MappingProxyType(grants) for cap, grants in _TABLE.items()})

# The roles whose life areas, when none are set, mean "nothing" rather than "everything".
SCOPED_ROLES = frozenset({Role.SUPPORT_CENTER, Role.COORDINATOR})

LABELS: dict[Cap, str] = {
    Cap.DASHBOARD_VIEW: "地域の概況を見る",
    Cap.POPULATION_IMPORT: "人口データを取り込む",
    Cap.AREAS_IMPORT: "圏域・地区・町丁目をファイルから取り込む",
    Cap.AUDIT_VIEW: "監査ログを見る",
    Cap.USERS_MANAGE: "職員のアカウントを管理する",
    Cap.PEOPLE_LIST: "人の一覧を見る",
    Cap.PEOPLE_VIEW: "人の記録を開く",
    Cap.HEALTH_VIEW: "健康情報（要介護度・被保険者番号）を見る",
    Cap.PEOPLE_EDIT: "人を登録・変更する",
    Cap.PEOPLE_IMPORT: "住民記録の抽出ファイルを取り込む",
    Cap.CARE_IMPORT: "要介護認定をファイルから取り込む",
    Cap.SURVEY_RESULTS: "調査結果（集計）を見る",
    Cap.SURVEY_ANSWERS: "回答・チェックリストを見る",
    Cap.SURVEY_IMPORT: "調査を取り込む・判定ルールを編集する",
    Cap.SURVEY_VISITS: "未回収者を訪問する",
    Cap.SURVEY_FOLLOWUP: "フォローアップ対象を見る",
    Cap.KCL_SCREEN: "窓口で基本チェックリストを記録する",
    Cap.RESOURCES_VIEW: "地域資源を見る",
    Cap.RESOURCE_GAPS: "地域資源の不足状況を見る",
    Cap.RESOURCE_SHEET_EDIT: "資源シートを編集する",
    Cap.RESOURCES_EDIT: "地域資源（提供団体・サービス・場所・日程）を登録・変更する",
    Cap.MUTUALAID_MANAGE: "助け合いの依頼を扱う",
    Cap.MUTUALAID_OWN_JOBS: "自分の活動を見る・完了を記録する・空いている日を登録する",
    Cap.COUNCILS_VIEW: "協議体・地域課題を見る",
    Cap.COUNCILS_MANAGE: "協議体・会議・地区アンケートを運営する",
    Cap.ISSUES_EDIT: "地域課題を登録・更新する",
    Cap.WATCH: "見守りネットワークの世帯を扱う",
    Cap.HUDDLE: "多職種の打ち合わせ記録を読む・書く",
    Cap.CASES_VIEW: "地域ケア会議と事例を見る",
    Cap.CASES_IDENTIFY: "事例の本人（氏名・住所・チェックリスト）を見る",
    Cap.CASES_MANAGE: "地域ケア会議を運営し事例を記録する",
    Cap.CASES_ROLLUP: "事例の課題を地域ごとに集計する",
    Cap.POLICY_EDIT: "施策を登録・更新する",
    Cap.INDICATORS_VIEW: "指標と計画を見る",
    Cap.INDICATORS_EDIT: "指標の元データ・自己評価・地区担当を登録する",
    Cap.PREFECTURE_VIEW: "管内市町村の比較・県の支援記録を見る",
    Cap.PREFECTURE_EDIT: "専門職の派遣・支援チームの訪問・セミナーを記録する",
    Cap.JOBS_VIEW: "定期処理の実行状況を見る",
}


def scope_for(cap: Cap, role: str | None) -> Scope | None:
    """The scope ``role`` reaches with ``cap``, or None when it does not hold it."""
    if role is None:
        return None
    try:
        return TABLE[cap].get(Role(role))
    except ValueError:
        return None
