"""Router.plan: coverage before assertion and the routing table, before any handler runs."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.core.messages import Choice, ChoicesReply, InboundMessage, Reply
from bot.core.ports import Entity, IntentScore, ParseResult
from bot.core.route_table import RouteTable, read_route_table
from bot.core.routing import Bands, Router
from bot.core.session import Session
from bot.core.turn import Turn
from bot.i18n import Catalogs
from tests.bot.core.test_routing import Misses, Simple
from tests.conftest import REPO

ARTICLES = {"contact-support", "application-tracking", "document-collection", "phishing-messages", "data-protection",
            "driving-licence-renewal", "payment-methods", "report-suspicious-activity",
            "use-in-swahili"}


class Honest(Misses):
    def not_covered(self, turn: Turn, options: Sequence[tuple[str, str]],
                    terms: Sequence[str]) -> list[Reply]:
        return [ChoicesReply(f"no answer about {', '.join(terms)}",
                             tuple(Choice(t, p) for t, p in options))]


def turn(text: str, ranking: Sequence[IntentScore], *, reference: str | None = None) -> Turn:
    entities = (Entity("reference", reference, 0, 0),) if reference else ()
    nlu = ParseResult(text, "en", tuple(ranking), entities)
    return Turn(InboundMessage("t", "1", text), Session("t:1", "t", "1"),
                Catalogs(REPO / "locales"), text, nlu)


def make_router(table: RouteTable | None = None) -> Router:
    names = [*sorted(ARTICLES), "check_status", "talk_to_human", "ticket_status",
             "report_security_incident",
             "my_data", "delete_my_data", "start_payment", "link_account", "greet",
             "change_language"]
    return Router([Simple(n) for n in names], Honest(),
                  Bands(answer=0.45, margin=0.2, suggest=0.2), table=table,
                  is_article=lambda intent: intent in ARTICLES)


@pytest.fixture(scope="module")
def table() -> RouteTable:
    return read_route_table(REPO / "knowledge" / "routing.yaml")


def test_plan_confident_covered_article_is_answered() -> None:
    plan = make_router().plan(turn("renew my dl", [IntentScore("driving-licence-renewal", 0.9)]))
    assert (plan.kind, plan.intents) == ("answer", ("driving-licence-renewal",))


def test_plan_uncovered_top_article_is_not_asserted() -> None:
    ranking = [IntentScore("driving-licence-renewal", 0.9, ("beekeeping",)),
               IntentScore("payment-methods", 0.05)]
    plan = make_router().plan(turn("beekeeping licence", ranking))
    assert plan.kind == "not_covered"
    assert plan.terms == ("beekeeping",)
    assert plan.intents[0] == "driving-licence-renewal"  # what is close is still offered


def test_plan_article_covered_only_through_a_story_is_offered_not_asserted() -> None:
    # "i already have a good conduct for the tsc job, how do i apply" reads as the article
    # only when "for the tsc job" is the story: the citizen chooses
    ranking = [IntentScore("driving-licence-renewal", 0.95, storied=True),
               IntentScore("payment-methods", 0.01)]
    plan = make_router().plan(turn("dl for my tsc job", ranking))
    assert (plan.kind, plan.intents) == ("suggest", ("driving-licence-renewal",))


def test_plan_uncovered_first_suggestion_is_not_offered_as_a_guess() -> None:
    ranking = [IntentScore("driving-licence-renewal", 0.4, ("beekeeping",)),
               IntentScore("payment-methods", 0.3)]
    plan = make_router().plan(turn("beekeeping licence", ranking))
    assert plan.kind == "not_covered"
    assert plan.intents == ("driving-licence-renewal", "payment-methods")


async def test_dispatch_not_covered_uses_the_miss_policy() -> None:
    ranking = [IntentScore("driving-licence-renewal", 0.9, ("beekeeping",))]
    replies = (await make_router().dispatch(turn("beekeeping licence", ranking))).replies
    assert isinstance(replies[0], ChoicesReply)
    assert replies[0].text == "no answer about beekeeping"


def test_table_reference_with_status_words_means_the_status_action(table: RouteTable) -> None:
    ranking = [IntentScore("application-tracking", 0.8), IntentScore("check_status", 0.1)]
    plan = make_router(table).plan(turn("status of PP-2025-000001", ranking,
                                        reference="PP-2025-000001"))
    assert (plan.kind, plan.intents) == ("answer", ("check_status",))


def test_table_status_words_without_a_reference_leave_the_article(table: RouteTable) -> None:
    ranking = [IntentScore("application-tracking", 0.8), IntentScore("check_status", 0.1)]
    plan = make_router(table).plan(turn("status of applications, where is it shown", ranking))
    assert plan.intents == ("application-tracking",)


def test_table_how_to_follow_an_application_without_a_reference_is_the_article(
        table: RouteTable) -> None:
    """The article tells where the account shows it, and asks for the reference to check."""
    ranking = [IntentScore("check_status", 0.8)]
    plan = make_router(table).plan(turn("how do i know how far my application has gone", ranking))
    assert (plan.kind, plan.intents) == ("answer", ("application-tracking",))


@pytest.mark.parametrize("text", ["nimetuma maombi wiki tatu zilizopita, naangalia wapi",
                                  "naeza track application yangu aje",  # Sheng "how"
                                  "where can i see how far my application has gone"])
def test_table_how_to_cues_in_sheng_and_where_can_i(table: RouteTable, text: str) -> None:
    plan = make_router(table).plan(turn(text, [IntentScore("check_status", 0.8)]))
    assert (plan.kind, plan.intents) == ("answer", ("application-tracking",))


def test_table_pick_not_ranked_at_all_is_not_asserted_past_uncovered_words(
        table: RouteTable) -> None:
    """Nothing says a pick outside the ranking covers what the best match leaves uncovered."""
    ranking = [IntentScore("check_status", 0.5, ("nssf",))]
    plan = make_router(table).plan(turn("how do i check my nssf statement", ranking))
    assert (plan.kind, plan.intents, plan.terms) == (
        "not_covered", ("application-tracking",), ("nssf",))


def test_table_how_to_with_a_reference_is_still_the_status(table: RouteTable) -> None:
    ranking = [IntentScore("check_status", 0.8), IntentScore("application-tracking", 0.3)]
    plan = make_router(table).plan(turn("how do i see the status of PP-2025-000001", ranking,
                                        reference="PP-2025-000001"))
    assert (plan.kind, plan.intents) == ("answer", ("check_status",))


@pytest.mark.parametrize("text", ["my id is ready, where can i collect it",
                                  "leseni yangu iko tayari, naichukua wapi",
                                  "dl yangu iko ready nitaichukua wapi",  # future, object infix
                                  "cheti kiko tayari, nitakichukua wapi",
                                  "pasipoti iko tayari, niende kuichukua ofisi gani"])
def test_table_where_to_collect_is_the_collection_article(table: RouteTable, text: str) -> None:
    ranking = [IntentScore("check_status", 0.7), IntentScore("document-collection", 0.1)]
    plan = make_router(table).plan(turn(text, ranking))
    assert (plan.kind, plan.intents) == ("answer", ("document-collection",))


@pytest.mark.parametrize("text", ["cheti kiko tayari, mama anaweza kwenda akichukue?",
                                  "pasipoti iko tayari, naweza kumtuma kaka yangu?",
                                  "leseni iko tayari, ndugu yangu anaweza kuichukua?",
                                  "my id is ready, can my sister pick my card",
                                  "id yangu iko ready, naeza tuma bro a-pick?"])
def test_table_sending_someone_to_collect_is_the_collection_article(table: RouteTable,
                                                                    text: str) -> None:
    ranking = [IntentScore("check_status", 0.7), IntentScore("document-collection", 0.1)]
    plan = make_router(table).plan(turn(text, ranking))
    assert (plan.kind, plan.intents) == ("answer", ("document-collection",))


def test_table_a_ready_document_without_collecting_stays_the_status(table: RouteTable) -> None:
    ranking = [IntentScore("check_status", 0.7), IntentScore("document-collection", 0.1)]
    plan = make_router(table).plan(turn("passport yangu iko tayari?", ranking))
    assert (plan.kind, plan.intents) == ("answer", ("check_status",))


@pytest.mark.parametrize("text", ["applications zangu zote naziona wapi kwa dashboard",
                                  "ombi langu nitaliona kwenye akaunti yangu",
                                  "which part of the dashboard lists what i applied for"])
def test_table_where_in_the_portal_is_the_tracking_article(table: RouteTable,
                                                           text: str) -> None:
    ranking = [IntentScore("check_status", 0.6), IntentScore("application-tracking", 0.1)]
    plan = make_router(table).plan(turn(text, ranking))
    assert (plan.kind, plan.intents) == ("answer", ("application-tracking",))


def test_table_a_reference_on_the_dashboard_stays_the_status(table: RouteTable) -> None:
    ranking = [IntentScore("check_status", 0.8), IntentScore("application-tracking", 0.3)]
    plan = make_router(table).plan(turn("status ya PP-2025-000001 kwa dashboard", ranking,
                                        reference="PP-2025-000001"))
    assert (plan.kind, plan.intents) == ("answer", ("check_status",))


def test_table_contact_details_mean_the_contact_article(table: RouteTable) -> None:
    ranking = [IntentScore("talk_to_human", 0.7), IntentScore("contact-support", 0.2)]
    plan = make_router(table).plan(turn("what is your phone number", ranking))
    assert (plan.kind, plan.intents) == ("answer", ("contact-support",))


@pytest.mark.parametrize("text", ["who do you share my information with",
                                  "what do you do with my personal information",
                                  "mnafanya nini na data zangu",  # not "show me my data"
                                  "mnazitumiaje taarifa zangu",  # object infix of "tumia"
                                  "nani anaweza kuona data zangu",
                                  "mnahifadhi data yangu kwa muda gani",  # how long it is kept
                                  "who else gets to look at my data"])
def test_table_data_use_means_the_privacy_article(table: RouteTable, text: str) -> None:
    ranking = [IntentScore("my_data", 0.8)]
    plan = make_router(table).plan(turn(text, ranking))
    assert plan.intents == ("data-protection",)


@pytest.mark.parametrize(("text", "action"), [("please delete my data", "delete_my_data"),
                                              ("show me my data", "my_data")])
def test_table_seeing_or_erasing_my_data_means_the_action(table: RouteTable, text: str,
                                                          action: str) -> None:
    plan = make_router(table).plan(turn(text, [IntentScore("data-protection", 0.8)]))
    assert plan.intents == (action,)


@pytest.mark.parametrize("text", ["got an sms with a link asking me to log in",
                                  "nimetumiwa kiungo cha kulipa ada",
                                  "message inasema nibonyeze link ili akaunti isifungwe"])
def test_table_a_link_someone_sent_is_the_fake_messages_article(table: RouteTable,
                                                                 text: str) -> None:
    ranking = [IntentScore("link_account", 0.9), IntentScore("phishing-messages", 0.05)]
    plan = make_router(table).plan(turn(text, ranking))
    assert (plan.kind, plan.intents) == ("answer", ("phishing-messages",))


@pytest.mark.parametrize("text", ["link my ecitizen account to this chat",
                                  "nataka ku-link account yangu"])
def test_table_linking_the_account_stays_the_action(table: RouteTable, text: str) -> None:
    ranking = [IntentScore("link_account", 0.9), IntentScore("phishing-messages", 0.05)]
    plan = make_router(table).plan(turn(text, ranking))
    assert (plan.kind, plan.intents) == ("answer", ("link_account",))


def test_table_scam_call_offers_the_advice_and_the_report(table: RouteTable) -> None:
    ranking = [IntentScore("report_security_incident", 0.9)]
    plan = make_router(table).plan(turn("a man called me and asked for my password", ranking))
    assert (plan.kind, plan.intents) == ("suggest",
                                         ("phishing-messages", "report_security_incident"))


@pytest.mark.parametrize("text", ["nimepigiwa simu na mtu anayedai ni afisa akiomba nenosiri",
                                  "ujumbe unaodai ni wa ecitizen unaomba pin yangu"])
def test_table_someone_claiming_to_be_ecitizen_in_swahili(table: RouteTable, text: str) -> None:
    ranking = [IntentScore("report_security_incident", 0.9)]
    plan = make_router(table).plan(turn(text, ranking))
    assert plan.intents == ("phishing-messages", "report_security_incident")


@pytest.mark.parametrize("text", ["someone called saying he is from ecitizen and wants the code",
                                  "a lady called claiming to work for immigration",
                                  "got a call from a man posing as ecitizen support"])
def test_table_a_caller_saying_he_is_from_ecitizen_is_a_scam_contact(table: RouteTable,
                                                                    text: str) -> None:
    ranking = [IntentScore("report_security_incident", 0.95)]
    plan = make_router(table).plan(turn(text, ranking))
    assert (plan.kind, plan.intents) == ("suggest",
                                         ("phishing-messages", "report_security_incident"))


@pytest.mark.parametrize("text", ["any update on the complaint i raised last week",
                                  "what is the status of the issue i reported",
                                  "malalamiko yangu yamefika wapi"])
def test_table_news_of_a_complaint_made_is_the_ticket_status(table: RouteTable,
                                                             text: str) -> None:
    ranking = [IntentScore("talk_to_human", 0.8), IntentScore("ticket_status", 0.3)]
    plan = make_router(table).plan(turn(text, ranking))
    assert (plan.kind, plan.intents) == ("answer", ("ticket_status",))


@pytest.mark.parametrize("text", ["i want to make a complaint about your service",
                                  "can i talk to someone about the status of my passport"])
def test_table_a_new_complaint_or_status_alone_stays_with_a_person(table: RouteTable,
                                                                   text: str) -> None:
    ranking = [IntentScore("talk_to_human", 0.8), IntentScore("ticket_status", 0.3)]
    plan = make_router(table).plan(turn(text, ranking))
    assert plan.intents == ("talk_to_human",)


def test_table_demanding_a_bribe_is_no_claim_to_be_ecitizen(table: RouteTable) -> None:
    ranking = [IntentScore("report_security_incident", 0.9)]
    plan = make_router(table).plan(turn("nataka kuripoti afisa anayedai hongo", ranking))
    assert "phishing-messages" not in plan.intents
    # a bribe is reported as the reporting article says; the report is offered next to it
    assert plan.intents == ("report-suspicious-activity", "report_security_incident")


def test_table_asking_where_to_report_offers_the_article_then_the_report(
        table: RouteTable) -> None:
    ranking = [IntentScore("report_security_incident", 0.8)]
    plan = make_router(table).plan(turn("akaunti yangu imedukuliwa, naripoti wapi", ranking))
    assert (plan.kind, plan.intents) == ("suggest", ("report-suspicious-activity",
                                                     "report_security_incident"))


@pytest.mark.parametrize("text", ["mtu ameingia kwa account yangu, nireport wapi",
                                  "akaunti imedukuliwa, niripoti wapi"])
def test_table_sheng_where_to_report_offers_the_article_then_the_report(
        table: RouteTable, text: str) -> None:
    ranking = [IntentScore("report_security_incident", 0.9)]
    plan = make_router(table).plan(turn(text, ranking))
    assert (plan.kind, plan.intents) == ("suggest", ("report-suspicious-activity",
                                                     "report_security_incident"))


def test_table_a_confident_first_side_of_both_is_answered(table: RouteTable) -> None:
    ranking = [IntentScore("report-suspicious-activity", 0.9),
               IntentScore("report_security_incident", 0.3)]
    plan = make_router(table).plan(turn("how do i report fraud on ecitizen", ranking))
    assert (plan.kind, plan.intents) == ("answer", ("report-suspicious-activity",))


def test_table_both_keeps_coverage(table: RouteTable) -> None:
    ranking = [IntentScore("report-suspicious-activity", 0.5, ("bursary",))]
    plan = make_router(table).plan(turn("how to apply for a government bursary", ranking))
    assert plan.kind == "not_covered"
    assert plan.terms == ("bursary",)


def test_table_both_is_not_offered_for_a_weak_match(table: RouteTable) -> None:
    ranking = [IntentScore("report-suspicious-activity", 0.1)]
    plan = make_router(table).plan(turn("namna ya kuomba msaada wa chakula", ranking))
    assert plan.kind == "miss"


def test_table_what_you_have_about_me_is_my_data_not_a_greeting(table: RouteTable) -> None:
    ranking = [IntentScore("greet", 0.6), IntentScore("my_data", 0.5)]
    plan = make_router(table).plan(turn("mna habari gani kunihusu", ranking))
    assert (plan.kind, plan.intents) == ("answer", ("my_data",))


@pytest.mark.parametrize("text", ["can i chat with you in swahili", "unaelewa sheng?"])
def test_table_asking_about_a_language_is_the_article_not_the_switch(table: RouteTable,
                                                                      text: str) -> None:
    ranking = [IntentScore("change_language", 0.9), IntentScore("use-in-swahili", 0.4)]
    plan = make_router(table).plan(turn(text, ranking))
    assert plan.intents == ("use-in-swahili",)


def test_table_asking_for_the_switch_stays_the_switch(table: RouteTable) -> None:
    ranking = [IntentScore("change_language", 0.9), IntentScore("use-in-swahili", 0.4)]
    plan = make_router(table).plan(turn("reply to me in swahili from now on", ranking))
    assert plan.intents == ("change_language",)


def test_table_how_do_i_prefers_the_article_over_an_action(table: RouteTable) -> None:
    ranking = [IntentScore("start_payment", 0.7), IntentScore("payment-methods", 0.5)]
    plan = make_router(table).plan(turn("how do i pay with a card", ranking))
    assert (plan.kind, plan.intents) == ("answer", ("payment-methods",))


def test_table_how_do_i_with_a_weak_article_offers_both(table: RouteTable) -> None:
    ranking = [IntentScore("start_payment", 0.7), IntentScore("payment-methods", 0.25)]
    plan = make_router(table).plan(turn("how do i pay with a card", ranking))
    assert (plan.kind, plan.intents) == ("suggest", ("payment-methods", "start_payment"))


@pytest.mark.parametrize("text", ["risiti ya malipo niliyofanya naipata wapi",
                                  "risiti ya malipo inapatikana wapi"])
def test_table_where_do_i_get_it_in_swahili_is_a_how_to(table: RouteTable, text: str) -> None:
    ranking = [IntentScore("start_payment", 0.9), IntentScore("payment-methods", 0.3)]
    plan = make_router(table).plan(turn(text, ranking))
    assert plan.intents[0] == "payment-methods"


def test_table_do_it_for_me_prefers_the_action(table: RouteTable) -> None:
    ranking = [IntentScore("payment-methods", 0.6), IntentScore("start_payment", 0.5)]
    plan = make_router(table).plan(turn("pay my bill for me", ranking))
    assert (plan.kind, plan.intents) == ("answer", ("start_payment",))


def test_table_never_applies_when_the_best_match_is_neither_side(table: RouteTable) -> None:
    ranking = [IntentScore("driving-licence-renewal", 0.9)]
    plan = make_router(table).plan(turn("phone number for the driving licence", ranking))
    assert plan.intents == ("driving-licence-renewal",)


def test_table_choice_keeps_coverage(table: RouteTable) -> None:
    ranking = [IntentScore("talk_to_human", 0.7),
               IntentScore("contact-support", 0.3, ("electricity",))]
    plan = make_router(table).plan(turn("electricity company phone number", ranking))
    assert plan.kind == "not_covered"


def planned(table: RouteTable, text: str,
            *ranking: IntentScore) -> tuple[str, tuple[str, ...]]:
    """Return the kind and the intents the router with the shipped table plans for `text`."""
    plan = make_router(table).plan(turn(text, ranking))
    return plan.kind, plan.intents


def test_table_story_without_an_incident_offers_the_article_before_the_report(
        table: RouteTable) -> None:
    # a long story reads like the report's examples; no word of an incident, caller or link
    text = "my passport has been ready for weeks but i was in hospital, what happens now"
    assert planned(table, text, IntentScore("report_security_incident", 0.6),
                   IntentScore("document-collection", 0.3)) == (
        "suggest", ("document-collection", "report_security_incident"))


@pytest.mark.parametrize("text", [
    "someone logged into my account and changed the email",
    "nimeibiwa pesa na mtu aliyejifanya afisa wa ecitizen",
    "i keep getting codes i never requested",
    "akaunti yangu imedukuliwa jana usiku",
])
def test_table_incident_words_keep_the_security_report(table: RouteTable, text: str) -> None:
    assert planned(table, text, IntentScore("report_security_incident", 0.9),
                   IntentScore("document-collection", 0.3)) == (
        "answer", ("report_security_incident",))


def test_table_story_whose_article_is_withheld_keeps_the_report_offered(
        table: RouteTable) -> None:
    # the general rule turns to an article that does not cover the question: the report,
    # the natural winner, must stay offered rather than vanish
    text = "a payment for a driving licence appeared on my ecitizen statement"
    assert planned(table, text, IntentScore("report_security_incident", 0.72),
                   IntentScore("driving-licence-renewal", 0.3, ("statement",))) == (
        "not_covered", ("driving-licence-renewal", "report_security_incident"))


@pytest.mark.parametrize("text", [
    "my driving licence was renewed without me knowing",
    "a licence was issued on my name and i never gave them permission",
    "leseni imetolewa kwa jina langu bila mimi kujua",
])
def test_table_disowned_deed_offers_the_report_before_the_article(
        table: RouteTable, text: str) -> None:
    assert planned(table, text, IntentScore("driving-licence-renewal", 0.8),
                   IntentScore("report_security_incident", 0.5)) == (
        "suggest", ("report_security_incident", "driving-licence-renewal"))
