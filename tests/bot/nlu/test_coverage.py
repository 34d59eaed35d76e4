"""Coverage before assertion: salient words of a question that an article does not cover."""

from __future__ import annotations

import pytest

from bot.knowledge.loader import Knowledge, load_knowledge
from bot.nlu.coverage import Coverage, CoverageSettings
from bot.nlu.matcher import build_normalizer
from tests.conftest import REPO


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(REPO / "knowledge")


@pytest.fixture(scope="module")
def coverage(knowledge: Knowledge) -> Coverage:
    return Coverage(knowledge, build_normalizer(knowledge))


@pytest.mark.parametrize(("text", "article", "missing"), [
    ("apply for a beekeeping licence", "driving-licence-renewal", "beekeeping"),
    ("leseni ya ufugaji nyuki", "driving-licence-renewal", "nyuki"),
    ("claiming back tax i overpaid", "refund", "tax"),  # a term of other articles
])
def test_uncovered_names_what_the_article_does_not_mention(coverage: Coverage, text: str,
                                                           article: str, missing: str) -> None:
    assert missing in coverage.uncovered(text, article)


@pytest.mark.parametrize(("text", "article"), [
    ("renew my smart dl please", "driving-licence-renewal"),
    ("pasword reset for my ecitizen acount", "password-reset"),  # spellings
    ("nimesahau nenosiri yangu", "password-reset"),
    ("my son turned eighteen, how does he get an id", "national-id"),  # everyday words
])
def test_covered_questions_have_nothing_uncovered(coverage: Coverage, text: str,
                                                  article: str) -> None:
    assert coverage.uncovered(text, article) == ()


@pytest.mark.parametrize(("text", "article"), [
    ("we want a small wedding at the registrar in june, what is the process",
     "marriage-certificate"),
    ("my daughter turns eighteen in june, where does she get her first id", "national-id"),
    ("mwanangu alitimiza miaka kumi na nane mwezi juni, kitambulisho anapata wapi", "national-id"),
])
def test_a_date_is_no_service_asked_about(coverage: Coverage, text: str, article: str) -> None:
    # "june" is a keyword of the tax-returns article ("30 June deadline"), yet it says when
    assert coverage.uncovered(text, article) == ()


def test_a_fellow_is_a_person_not_a_service(coverage: Coverage) -> None:
    text = "jamaa mmoja alinipigia akisema ni afisa wa ecitizen akaniomba pesa"
    assert "jamaa" not in coverage.assess(text, "phishing-messages").uncovered


def test_a_date_an_article_names_still_counts_for_it(coverage: Coverage) -> None:
    assert coverage.assess("file by the end of june", "tax-returns").uncovered == ()


@pytest.mark.parametrize(("text", "article", "kind"), [
    ("gun licence inapatikana aje kenya", "driving-licence-renewal", "gun"),
    ("tour guide licence application", "driving-licence-renewal", "guide"),
    ("how to apply for a mining permit", "work-permit", "mining"),
    ("how do i get a permit for a rally", "work-permit", "rally"),  # after its "for"
    ("licence for a gun", "driving-licence-renewal", "gun"),
])
def test_the_kind_of_licence_or_permit_is_salient_however_common_the_word(
        coverage: Coverage, text: str, article: str, kind: str) -> None:
    # "gun", "guide" and "mining" are everyday English, but before "licence" they name it
    assert kind in coverage.uncovered(text, article)


@pytest.mark.parametrize(("text", "article"), [
    ("renew my driving licence", "driving-licence-renewal"),
    ("how do i get a work permit", "work-permit"),
    ("kibali cha kuingiza bidhaa nchini", "import-export-permit"),  # a verb says what it is for
    ("my new licence has a wrong name", "driving-licence-renewal"),  # an everyday adjective
])
def test_a_covered_or_everyday_kind_withholds_nothing(coverage: Coverage, text: str,
                                                      article: str) -> None:
    assert coverage.uncovered(text, article) == ()


def test_whose_permit_it_is_names_no_kind(coverage: Coverage) -> None:
    # "for my shop": the holder; a kind would only weigh a word the article covers anyway
    assert coverage._kinds(["a", "business", "permit", "for", "my", "shop"]) == set()


def test_a_derived_word_is_not_as_common_as_its_stem(coverage: Coverage) -> None:
    # Snowball stems "succession" to "success"; an everyday stem must not hide the rarer word
    assert coverage.weight("succession") >= coverage.settings.min_weight
    assert "succession" in coverage.uncovered("succession ya shamba ya mzee aliyekufa",
                                              "land-search")
    assert coverage.weight("passports") == 0.0  # an inflection still counts as its stem


def test_actions_are_never_checked(coverage: Coverage) -> None:
    assert coverage.uncovered("apply for a beekeeping licence", "check_status") == ()


def test_one_weak_word_among_well_covered_ones_is_not_enough(knowledge: Knowledge) -> None:
    strict = Coverage(knowledge, build_normalizer(knowledge), CoverageSettings(min_share=0.99))
    found = strict.assess("how much is a smart dl renewal for my caravan", "driving-licence-renewal")
    assert found.uncovered and found.share < 0.99
    assert strict.uncovered("how much is a smart dl renewal for my caravan",
                            "driving-licence-renewal") == ()


@pytest.mark.parametrize("word", ["the", "wangu", "zenu", "tafadhali"])
def test_common_words_weigh_nothing(coverage: Coverage, word: str) -> None:
    assert coverage.weight(word) == 0.0


@pytest.mark.parametrize("word", ["isnt", "doesn", "arent", "couldn"])
def test_contractions_typed_without_the_apostrophe_weigh_nothing(coverage: Coverage,
                                                                 word: str) -> None:
    # "isnt" is rare as written, but it is "isn't"; "doesn't" reaches us as "doesn t"
    assert coverage.weight(word) == 0.0


def test_a_contraction_does_not_withhold_the_article(coverage: Coverage) -> None:
    assert coverage.uncovered("the sms code isnt coming to my phone",
                              "account-verification-code") == ()


@pytest.mark.parametrize("word", ["eti", "ati", "wallahi", "msee", "manze", "nime", "yakhe", "venye",
                                  "shikamoo"])
def test_words_that_tell_the_language_weigh_nothing(coverage: Coverage, word: str) -> None:
    # vocabulary.yaml's language evidence: Swahili grammar and chat, never a service's name
    assert coverage.weight(word) == 0.0


def test_a_chat_word_does_not_withhold_the_article(coverage: Coverage) -> None:
    assert coverage.uncovered("nimepata message eti ni ecitizen wananiambia nitume pesa",
                              "phishing-messages") == ()


@pytest.mark.parametrize("word", ["ana", "ndani", "siri"])
def test_everyday_swahili_words_of_titles_and_keywords_weigh_nothing(coverage: Coverage,
                                                                     word: str) -> None:
    # "ana kwa ana" (in person) is a title's phrase, yet "ana" (has) names no service
    assert coverage.weight(word) == 0.0


def test_verb_forms_weigh_less_than_the_nouns_that_name_services(coverage: Coverage) -> None:
    assert coverage.weight("inagharimu") < coverage.weight("bunduki")
    assert coverage.weight("slipped") < coverage.weight("firearm")


@pytest.mark.parametrize("word", ["naanzia", "naulizwa", "nibofye", "isifungwe", "refundiwa"])
def test_chat_subjunctive_and_passive_verb_forms_weigh_too_little_to_withhold(
        coverage: Coverage, word: str) -> None:
    # "nataka kutoa good conduct naanzia wapi": "naanzia" (where do I start) names no service
    assert 0.0 < coverage.weight(word) < coverage.settings.min_weight


@pytest.mark.parametrize(("text", "article"), [
    ("nataka kutoa good conduct naanzia wapi", "good-conduct-certificate"),  # verb forms
    ("nililipa service wrong naeza refundiwa", "refund"),
    ("ofisi za huduma ziko wapi likoni au changamwe", "huduma-centres"),  # places
    ("pasipoti yangu iliibiwa nikiwa dubai", "passport-lost"),
    ("kitambulisho changu kilipotea kwa mat", "national-id"),  # Sheng: on a matatu
])
def test_verb_forms_and_places_do_not_withhold_the_article(coverage: Coverage, text: str,
                                                           article: str) -> None:
    assert coverage.uncovered(text, article) == ()


def test_rasas_top_intent_is_out_of_scope_for_an_uncovered_article(real_knowledge) -> None:
    parsed = real_knowledge.parse("apply for a beekeeping licence", "en")
    assert parsed.top is not None and parsed.top.uncovered
    top = real_knowledge.top_intent(parsed)
    assert top.name == "out_of_scope" and top.uncovered == parsed.top.uncovered
    covered = real_knowledge.parse("renew my smart dl please", "en")
    assert real_knowledge.top_intent(covered).name == "driving-licence-renewal"


@pytest.mark.parametrize("word", ["sijapata", "sijawahi", "sikielewi", "haikubaliki", "haiendi",
                                  "ntakipata", "haipo"])
def test_negative_and_coastal_future_verb_forms_weigh_too_little_to_withhold(
        coverage: Coverage, word: str) -> None:
    # "sijawahi kujisajili" (I have never registered): the negative names no service
    assert coverage.weight(word) < coverage.settings.min_weight


def test_nouns_that_begin_like_a_negative_still_name_the_kind_of_licence(
        coverage: Coverage) -> None:
    assert "silaha" in coverage.uncovered("leseni ya silaha", "driving-licence-renewal")


@pytest.mark.parametrize("word", ["changamwe", "dubai", "mjerumani", "wamarekani", "mwingereza",
                                  "mat"])
def test_places_and_their_people_weigh_nothing(coverage: Coverage, word: str) -> None:
    assert coverage.weight(word) == 0.0



@pytest.mark.parametrize(("text", "article", "place"), [
    ("my baby was born at pumwani, when do we get the birth certificate", "birth-certificate",
     "pumwani"),
    ("we live in ruai, which huduma centre is nearest", "huduma-centres", "ruai"),
    ("nimezaliwa huko kapcherop na sina kitambulisho", "national-id", "kapcherop"),
])
def test_a_name_after_at_or_in_is_a_place_the_lists_lack(coverage: Coverage, text: str,
                                                        article: str, place: str) -> None:
    assert coverage.weight(place) > 0  # alone, a rare word that might name a service
    assert coverage.uncovered(text, article) == ()


@pytest.mark.parametrize(("text", "article", "word"), [
    ("apply for a liquor licence in my bar", "driving-licence-renewal", "liquor"),  # English
    ("how do i get a certificate from kebs", "birth-certificate", "kebs"),  # not after at/in
    ("how do i get a certificate in phlebotomy", "birth-certificate", "phlebotomy"),  # subject
    ("how to get a certificate at kasneb", "birth-certificate", "kasneb"),  # a body
])
def test_a_known_word_or_a_name_after_from_still_counts(coverage: Coverage, text: str,
                                                       article: str, word: str) -> None:
    assert word in coverage.uncovered(text, article)


def test_the_coasts_number_words_weigh_nothing(coverage: Coverage) -> None:
    assert coverage.weight("thalathini") == 0.0


@pytest.mark.parametrize("word", ["mathe", "beshte", "dem", "mwajiri", "employer", "cousin",
                                  "maafisa", "chifu",
                                  "juzi", "yesterday"])
def test_the_people_a_question_is_about_and_when_weigh_nothing(coverage: Coverage,
                                                               word: str) -> None:
    # "mwajiri wangu ananitaka nilete cheti cha maadili": who asks names no service
    assert coverage.weight(word) == 0.0


@pytest.mark.parametrize("word", ["lkn", "hbr", "tngu", "jameni"])
def test_grammar_words_typed_with_dropped_or_swapped_vowels_weigh_nothing(
        coverage: Coverage, word: str) -> None:
    assert coverage.weight(word) == 0.0


@pytest.mark.parametrize("word", ["brs", "crb", "kplc", "nssf", "tcc", "bunduki", "pombe"])
def test_service_names_are_not_taken_for_chat_spelled_grammar(coverage: Coverage,
                                                              word: str) -> None:
    assert coverage.weight(word) > 0.0


@pytest.mark.parametrize("word", ["haiji", "hawaji", "hana", "hatuna", "hawana",
                                  "tuje", "nije", "tupe"])
def test_one_syllable_verbs_in_the_negative_weigh_too_little_to_withhold(
        coverage: Coverage, word: str) -> None:
    # "reset link haiji" (does not come), "akiwa hana computer" (when she has none), and the
    # subjunctive: "wakasema tuje huku" (they said we should come here)
    assert coverage.weight(word) < coverage.settings.min_weight


@pytest.mark.parametrize("word", ["ila", "bali", "ingawa", "wala"])
def test_swahili_conjunctions_weigh_nothing(coverage: Coverage, word: str) -> None:
    # "naweka hati kwa mfumo ila inakataa": "but" names no service
    assert coverage.weight(word) == 0.0


@pytest.mark.parametrize(("text", "article"), [
    ("register a business name for my barbershop", "business-name-registration"),
    ("business name ya duka la kinyozi", "business-name-registration"),
])
def test_a_story_word_beside_what_the_article_is_about_does_not_withhold_it(
        coverage: Coverage, text: str, article: str) -> None:
    # "business", "name", "certificate" are in too many labels to weigh by rarity, yet they
    # say what the question is about: one story word is then not all of its salience
    assert coverage.uncovered(text, article) == ()


def test_the_articles_own_terms_do_not_cover_another_kind_of_licence(coverage: Coverage) -> None:
    assert "nyuki" in coverage.uncovered("leseni ya kufuga nyuki", "driving-licence-renewal")
    assert "mining" in coverage.uncovered("mining licence", "driving-licence-renewal")


@pytest.mark.parametrize("word", ["minane", "wawili", "mitatu", "vitatu", "mmoja", "wanne"])
def test_numbers_agreeing_with_a_class_weigh_nothing(coverage: Coverage, word: str) -> None:
    # "mwanangu amefikisha miaka kumi na minane": the age names no service
    assert coverage.weight(word) == 0.0


@pytest.mark.parametrize(("text", "article", "place"), [
    ("cheti cha kuzaliwa cha tanzania nakipataje nikiwa kenya", "birth-certificate", "tanzania"),
    ("pasipoti ya uganda inapatikana aje nikiwa hapa kenya", "passport-apply", "uganda"),
    ("bro leseni ya kuendesha ya tanzania naeza renew kwa ecitizen?", "driving-licence-renewal",
     "tanzania"),
    ("how do i get a congo passport", "passport-apply", "congo"),
])
def test_another_countrys_document_is_withheld_however_much_else_is_covered(
        coverage: Coverage, text: str, article: str, place: str) -> None:
    # the place weighs little against the rest of the question, but it changes whose document
    assert place in coverage.uncovered(text, article)


@pytest.mark.parametrize(("text", "article"), [
    ("i live in uganda, how do i renew my kenyan passport", "passport-apply"),
    ("nataka pasipoti ya kusafiri kwenda tanzania", "passport-apply"),
    ("mke wangu anataka kufanya kazi Nairobi, kibali cha kazi anapataje", "work-permit"),
    ("nimepoteza pasipoti nikiwa uganda, nifanyeje", "passport-lost"),
])
def test_a_place_where_the_story_happens_does_not_withhold_our_document(
        coverage: Coverage, text: str, article: str) -> None:
    assert coverage.uncovered(text, article) == ()


def test_kenyan_places_are_no_issuers(coverage: Coverage) -> None:
    assert coverage.is_place("kisumu") and not coverage.is_abroad("kisumu")
    assert coverage.is_abroad("uganda") and coverage.is_abroad("mganda")


@pytest.mark.parametrize(("text", "article", "kind"), [
    ("hunting permit for game birds kenya", "work-permit", "hunting"),  # no habitual "hu-" verb
    ("leseni ya uchimbaji inatolewa wapi", "driving-licence-renewal", "uchimbaji"),  # after "ya"
])
def test_the_kind_is_read_after_a_short_connective_and_an_english_kind_is_no_swahili_verb(
        coverage: Coverage, text: str, article: str, kind: str) -> None:
    assert kind in coverage._kinds(text.split())
    assert kind in coverage.uncovered(text, article)


@pytest.mark.parametrize(("text", "article"), [
    ("my ugandan fundi wants to work in kenya, which permit does he need", "work-permit"),
    ("fundi wangu ni mtanzania anahitaji work permit ya kufanya kazi hapa", "work-permit"),
    ("i have a nigerian passport, do i need an eta for kenya", "visa-eta"),  # the eTA's own
])
def test_a_foreigner_asking_about_an_article_for_foreigners_is_the_story(
        coverage: Coverage, text: str, article: str) -> None:
    assert coverage.uncovered(text, article) == ()


@pytest.mark.parametrize(("text", "article", "who"), [
    ("how do i apply for a tanzanian passport", "passport-apply", "tanzanian"),  # the issuer
    ("my ethiopian neighbour lost his passport", "passport-lost", "ethiopian"),  # the holder
    ("mtanzania amepoteza pasipoti yake", "passport-lost", "mtanzania"),
])
def test_a_foreigner_asking_about_a_citizens_document_asks_about_another_countrys(
        coverage: Coverage, text: str, article: str, who: str) -> None:
    assert coverage.is_nationality(who)
    assert who in coverage.uncovered(text, article)


@pytest.mark.parametrize(("text", "article", "kind"), [
    ("how do i get a permit to hold a public rally", "work-permit", "rally"),
    ("leseni ya kufungua karakana ya kuchomelea inatolewa na nani", "driving-licence-renewal",
     "karakana"),
])
def test_what_a_licence_is_for_names_its_kind(coverage: Coverage, text: str, article: str,
                                              kind: str) -> None:
    # the verb says little ("hold", "kufungua"); its object names the kind
    assert kind in coverage.uncovered(text, article)


def test_a_purpose_the_article_covers_withholds_nothing(coverage: Coverage) -> None:
    assert coverage.uncovered("kibali cha kuingiza bidhaa nchini", "import-export-permit") == ()


@pytest.mark.parametrize(("text", "article", "place"), [
    ("pasipoti yangu ya tanzania imepotea", "passport-lost", "tanzania"),
    ("leseni ya udereva ya mke wangu ya uganda", "driving-licence-renewal", "uganda"),
    ("nahitaji cheti cha kuzaliwa kutoka tanzania", "birth-certificate", "tanzania"),
    ("driving licence issued in uganda has expired", "driving-licence-renewal", "uganda"),
    ("kitambulisho cha kitanzania kimepotea", "national-id", "kitanzania"),
    ("tz birth certificate lost", "birth-certificate", "tz"),  # a short name still issues
])
def test_another_countrys_document_as_citizens_write_it_is_withheld(
        coverage: Coverage, text: str, article: str, place: str) -> None:
    assert place in coverage.uncovered(text, article)


@pytest.mark.parametrize(("text", "article"), [
    ("nikiwa uingereza kitambulisho kimepotea", "national-id"),  # where the citizen is
    ("cheti cha tabia njema cha kazi ya qatar", "good-conduct-certificate"),  # for a job there
    ("how do i renew my passport from saudi arabia", "passport-apply"),
    ("I got a police abstract from the Uganda police, how do I replace my lost Kenyan passport",
     "passport-lost"),  # a document called Kenyan is ours whoever else issued something
    ("kitambulisho cha Asia kimepotea", "national-id"),  # a name, not a continent
    ("can I pay with a UK card on ecitizen", "payment-methods"),  # a bank card
])
def test_a_kenyan_document_asked_from_abroad_is_ours(coverage: Coverage, text: str,
                                                     article: str) -> None:
    assert coverage.uncovered(text, article) == ()


@pytest.mark.parametrize(("text", "article"), [
    ("my indian-kenyan father needs to renew his passport", "passport-apply"),
    ("I am a Kenyan of Somali origin, how do I get a national ID", "national-id"),
    ("how do i get a marriage certificate, my wife is ugandan", "marriage-certificate"),
])
def test_a_nationality_that_says_who_someone_is_does_not_withhold(
        coverage: Coverage, text: str, article: str) -> None:
    assert coverage.uncovered(text, article) == ()


def test_the_holders_nationality_still_withholds(coverage: Coverage) -> None:
    assert "ugandan" in coverage.uncovered("my wife is ugandan, how does she renew her passport",
                                           "passport-apply")


def test_what_is_driven_is_no_kind_of_the_driving_licence(coverage: Coverage) -> None:
    assert coverage.uncovered("a licence to drive a car, how do i renew it",
                              "driving-licence-renewal") == ()
    # another verb still names another licence
    assert "sacco" in coverage.uncovered("licence to operate a matatu sacco",
                                         "driving-licence-renewal")


@pytest.mark.parametrize(("text", "article"), [
    ("leseni ya boda imeisha nataka kui-renew", "driving-licence-renewal"),
    ("how do i get a licence to drive a lorry", "driving-licence-renewal"),
    ("leseni ya kuendesha pikipiki inapatikana aje", "driving-licence-renewal"),
    ("how do i renew my licence for a motorbike", "driving-licence-renewal"),
    ("nmenunua probox ya second hand, logbook inatransferiwa aje", "vehicle-logbook-transfer"),
])
def test_a_vehicle_a_driving_licence_covers_is_the_vehicle_articles(coverage: Coverage,
                                                                     text: str,
                                                                     article: str) -> None:
    assert coverage.uncovered(text, article) == ()


@pytest.mark.parametrize(("text", "article", "kind"), [
    ("leseni ya kuendesha duka la dawa inapatikana wapi", "driving-licence-renewal", "duka"),
    ("leseni ya kuendesha boti", "driving-licence-renewal", "boti"),
    ("a ugandan driving licence for a lorry", "driving-licence-renewal", "ugandan"),
])
def test_a_driving_licence_for_no_vehicle_is_another_licence(coverage: Coverage, text: str,
                                                             article: str, kind: str) -> None:
    # "kuendesha" is to run as well as to drive: a shop or a boat is not what the article covers
    assert kind in coverage.uncovered(text, article)


def test_a_vehicle_is_no_cover_for_an_article_about_no_vehicle(coverage: Coverage) -> None:
    assert not coverage.is_vehicle("duka")
    assert "kra-pin" not in coverage._vehicular
    assert "driving-licence-renewal" in coverage._vehicular


@pytest.mark.parametrize(("text", "article"), [
    ("kitambulisho cha Ng'ang'a kimepotea", "national-id"),
    ("nimepoteza kitambulisho changu nikiwa Kapng'etuny", "national-id"),
    ("huduma centre ya Kang'undo iko wapi", "huduma-centres"),
    ("dl yangu ime-expire na makarao wananisumbua stage, nairenew aje",
     "driving-licence-renewal"),
])
def test_kenyan_names_places_and_officers_name_no_service(coverage: Coverage, text: str,
                                                          article: str) -> None:
    assert coverage.uncovered(text, article) == ()


def test_a_trip_to_a_place_is_the_story(coverage: Coverage) -> None:
    text = "my son needs a kenyan birth certificate before we travel to tanzania"
    assert coverage.uncovered(text, "birth-certificate") == ()


def test_a_travel_document_still_names_a_service(coverage: Coverage) -> None:
    assert "travel" in coverage.assess("travel permit to tanzania for a refugee",
                                       "work-permit").uncovered


@pytest.mark.parametrize(("text", "article"), [
    ("good conduct certificate for a kenya power job interview", "good-conduct-certificate"),
    ("cheti cha tabia njema kwa ajili ya kujiunga na jeshi", "good-conduct-certificate"),
    ("my company wants a police clearance before the tender", "good-conduct-certificate"),
    ("tunahitaji cheti cha kifo ili tugawe shamba la babu", "death-certificate"),
    ("pin ya kra ya internship naipata aje", "kra-pin"),
    ("a birth certificate for my daughter's knec registration", "birth-certificate"),
])
def test_what_our_document_is_wanted_for_withholds_nothing(coverage: Coverage, text: str,
                                                           article: str) -> None:
    assert coverage.uncovered(text, article) == ()


def test_weighing_purposes_too_finds_them_uncovered(coverage: Coverage) -> None:
    # the matcher asks so when the purpose is a service of the document's own agency
    text = "good conduct certificate for kdf recruitment"
    assert coverage.uncovered(text, "good-conduct-certificate") == ()
    assert "kdf" in coverage.uncovered(text, "good-conduct-certificate", purposes=False)


@pytest.mark.parametrize(("text", "article", "word"), [
    ("kra pin for vat", "kra-pin", "vat"),  # KRA's own service, asked of KRA
    ("pin ya kra kwa ajili ya kusajili vat", "kra-pin", "vat"),
    ("cheti cha kuzaliwa cha tanzania kwa ajili ya shule", "birth-certificate", "tanzania"),
    ("a tanzanian birth certificate for my son's school", "birth-certificate", "tanzanian"),
])
def test_a_purpose_still_withholds_the_issuer_and_the_agencys_own_service(
        coverage: Coverage, text: str, article: str, word: str) -> None:
    assert word in coverage.uncovered(text, article)


def test_an_article_covers_the_listed_documents_its_terms_name(coverage: Coverage) -> None:
    assert coverage.documents("good-conduct-certificate") == {"good", "conduct"}
    assert coverage.documents("national-id") == {"id"}
    assert coverage.documents("refund") == frozenset()
    assert coverage.story("kra pin ya internship", "kra-pin") == {"internship"}
    assert coverage.story("kra pin ya internship", "refund") == frozenset()


def test_an_article_covered_only_through_a_purpose_is_marked_storied(real_knowledge) -> None:
    told = real_knowledge.parse("good conduct certificate for a tsc job application", "en")
    assert told.top is not None and told.top.name == "good-conduct-certificate"
    assert told.top.uncovered == () and told.top.storied
    plain = real_knowledge.parse("how do i apply for a certificate of good conduct", "en")
    assert plain.top is not None and not plain.top.storied


@pytest.mark.parametrize(("text", "asked", "held"), [
    ("nina cheti cha kuzaliwa tayari, nataka kujua jinsi ya kupata kitambulisho",
     "national-id", "birth-certificate"),
    ("niko na birth cert ya mtoto, ID yake tutapata aje", "national-id", "birth-certificate"),
])
def test_a_document_the_citizen_holds_comes_after_the_one_asked(real_knowledge, text: str,
                                                                asked: str, held: str) -> None:
    told = real_knowledge.parse(text, "sw")
    assert [s.name for s in told.ranking[:2]] == [asked, held]
    assert told.ranking[0].storied  # offered, never asserted


def test_a_held_document_alone_keeps_its_article(real_knowledge) -> None:
    # one document, held or ready: nothing else is asked ("where do i collect it")
    told = real_knowledge.parse("my birth certificate is ready, where do i collect it", "en")
    assert told.top is not None and not told.top.storied


def test_a_held_document_is_read_before_or_after_its_name(coverage: Coverage) -> None:
    assert coverage.held_only("nina kitambulisho, nataka passport", "national-id")
    assert coverage.held_only("my id is ready, how do i apply for a passport", "national-id")
    assert coverage.asks("my id is ready, how do i apply for a passport", "passport-apply")
    assert not coverage.held_only("where do i collect my id", "national-id")


@pytest.mark.parametrize(("text", "article"), [
    ("download the receipt for the knec fee i paid on ecitizen", "payment-receipt"),
    ("nimelipa helb kwa ecitizen lakini malipo hayajaonekana", "payment-not-reflected"),
    ("i was charged twice for kws park fees on ecitizen, i want my money back", "refund"),
])
def test_a_payment_article_covers_the_agencies_ecitizen_collects_for(coverage: Coverage,
                                                                      text: str,
                                                                      article: str) -> None:
    # the agencies the articles tagged `agencies` name are paid through eCitizen
    assert coverage.uncovered(text, article) == ()


def test_the_agencies_are_covered_by_payment_articles_only(coverage: Coverage) -> None:
    # a payment problem, not the agency's own service: a HELB loan is no national ID matter
    assert "helb" in coverage.uncovered("helb wants a copy of my id", "national-id")
    assert "knec" in coverage.uncovered("knec certificate replacement", "birth-certificate")


@pytest.mark.parametrize("word", ["kuelekezwa", "mnielekeze", "nifahamishe", "nijulishwe",
                                  "nililopewa", "dogo", "hasa", "utaratibu", "heshima",
                                  "mkulima"])
def test_everyday_swahili_of_polite_requests_and_stories_weighs_nothing(coverage: Coverage,
                                                                         word: str) -> None:
    # vocabulary.yaml's coverage/everyday (in any form of the verb), courtesies and people
    assert coverage.weight(word) == 0.0


@pytest.mark.parametrize(("text", "article"), [
    ("ningependa kusajili jina la duka langu dogo, naomba kuelekezwa",
     "business-name-registration"),
    ("Kwa heshima, naomba kujulishwa utaratibu wa kupata pasipoti", "passport-apply"),
])
def test_a_polite_formal_request_does_not_withhold_the_article(coverage: Coverage, text: str,
                                                               article: str) -> None:
    assert coverage.uncovered(text, article) == ()


def test_the_agencies_a_payment_article_lends_itself_are_read_strictly_on_request(
        coverage: Coverage) -> None:
    text = "how do i get a refund from helb after overpaying my loan"
    assert coverage.lends("refund") and not coverage.lends("ecitizen-down")
    assert "helb" not in coverage.uncovered(text, "refund")
    assert "helb" in coverage.uncovered(text, "refund", lent=False)


def test_a_payment_article_covered_only_through_an_agency_is_offered(real_knowledge) -> None:
    parsed = real_knowledge.parse("how do i get a refund from helb after overpaying my loan", "en")
    assert parsed.top is not None and parsed.top.name == "refund"
    assert parsed.top.uncovered == () and parsed.top.storied
    ours = real_knowledge.parse("i was charged twice on ecitizen, i want my money back", "en")
    assert ours.top is not None and not ours.top.storied
