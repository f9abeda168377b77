import math

import pytest

from bot.core.engine import TopicIndex
from bot.core.engine.tokens import prefix_related, stem
from tests.unit.answer_fixtures import make_topic, sample_index


def test_get_is_case_insensitive_and_scoped_to_guilds() -> None:
    index = sample_index()
    index.upsert(make_topic("Guild Lore", "Stories of one guild."), guild_id=7)
    assert index.get("skyleaf") is not None
    assert index.get("guild lore") is None
    assert index.get("GUILD LORE", guild_id=7) is not None
    index.hide(7, "Skyleaf")
    assert index.get("Skyleaf", guild_id=7) is None
    assert "Skyleaf" not in index.titles(7)
    index.unhide(7, "Skyleaf")
    assert "Skyleaf" in index.titles(7)


def test_upsert_refreshes_one_topic_and_remove_forgets_it() -> None:
    index = sample_index()
    index.upsert(make_topic("Skyleaf", "A company that now makes kelp snacks."))
    assert index.rank("kelp snacks")[0].title == "Skyleaf"
    assert index.remove("skyleaf")
    assert index.get("Skyleaf") is None
    assert all(s.title != "Skyleaf" for s in index.rank("kelp snacks"))


def test_autocomplete_is_fuzzy_and_capped() -> None:
    index = sample_index()
    for i in range(40):
        index.upsert(make_topic(f"Farm Topic {i:02d}", "Filler."))
    choices = index.autocomplete("vertcal farmng")
    assert choices[0] == ("Vertical Farming", "Vertical Farming")
    assert len(index.autocomplete("farm")) <= 25
    assert len(index.autocomplete("")) == 25
    assert index.autocomplete("")[0][1] == "Cobalt Mining"  # alphabetical


def test_autocomplete_labels_alias_matches() -> None:
    label, value = sample_index().autocomplete("great pacific")[0]
    assert value == "Ocean Cleanup"
    assert label == "Ocean Cleanup (aka Great Pacific Cleanup)"


def test_closest_titles_and_attribute_names() -> None:
    index = sample_index()
    assert index.closest_titles("lunar gatway")[0] == "Lunar Gateway"
    assert index.attribute_names("skyleaf") == ["CEO", "Headquarters"]


def test_rank_prefers_the_topic_the_question_names() -> None:
    ranking = sample_index().rank("skyleaf")
    assert ranking[0].title == "Skyleaf"
    assert ranking[0].named


def test_filter_titles_matches_word_prefixes() -> None:
    assert sample_index().filter_titles("lunar") == ["Lunar Gateway", "Lunar Rovers"]


def test_a_common_english_word_weighs_as_if_half_the_topics_used_it() -> None:
    index = TopicIndex([
        (make_topic("Tidal Power", "Electricity from the tides, twice a day at the Rance barrage."), None),
        (make_topic("Kelp Farming", "Growing seaweed on ropes offshore."), None),
        (make_topic("Day Trading", "Buying and selling shares within one day."), None),
        (make_topic("Peat Bogs", "Wetlands that store carbon."), None),
    ])
    assert index.idf("day") == pytest.approx(math.log(5 / 2.5))  # a name word keeps its own IDF (2 of 4)
    no_name = TopicIndex([(make_topic("Tidal Power", "Tides, twice a day at the Rance barrage."), None),
                          (make_topic("Kelp Farming", "Growing seaweed on ropes offshore."), None),
                          (make_topic("Peat Bogs", "Wetlands that store carbon."), None)])
    assert no_name.idf("day") < no_name.idf("barrag")  # one record each, but "day" is everywhere else


def test_words_on_one_root_with_long_different_endings_are_not_forms_of_each_other() -> None:
    assert prefix_related("subsidy", "subsidis")  # -y / -is: one word
    assert prefix_related("crypto", "cryptocurrency")  # a clipping extends to the whole word
    assert not prefix_related("anthropic", "anthropology")  # -ic / -ology: two words


def test_a_five_letter_stem_is_no_clipping_of_a_longer_word() -> None:
    assert stem("recipe") == "recip"
    assert not prefix_related(stem("recipe"), stem("recipients"))  # a whole word, cut by the stemmer
    assert not prefix_related("found", "foundation")
    assert prefix_related("stablecoin", stem("stablecoins"))
    assert prefix_related("quantu", "quantum")  # six letters: a clipping


def test_two_words_run_together_count_as_their_telling_part() -> None:
    fillers = [make_topic(title, f"{title} is a subject about {word}; making things.")
               for title, word in (("Kelp Farms", "seaweeds"), ("Peat Bogs", "wetlands"), ("Glass Art", "furnaces"),
                                   ("Bee Keeping", "hives"), ("Salt Mines", "caverns"), ("Tea Trade", "leaves"))]
    index = TopicIndex([(t, None) for t in fillers] + [
        (make_topic("Kiln Grants", "Public money for kiln factories and their workers."), None)])
    ranking = index.rank("kilnmaking")  # not a word of any record, but "kiln" + "making" are
    assert ranking
    assert ranking[0].title == "Kiln Grants"
    assert ranking[0].matched_field == "compound name"  # "kiln" is a word of the topic's name


def test_an_everyday_synonym_counts_where_the_record_uses_another_word_of_its_group() -> None:
    fillers = [make_topic(title, f"{title} is a subject about {word}.")
               for title, word in (("Kelp Farms", "seaweeds"), ("Peat Bogs", "wetlands"), ("Glass Art", "furnaces"),
                                   ("Bee Keeping", "hives"), ("Salt Mines", "caverns"), ("Tea Trade", "leaves"))]
    index = TopicIndex([(t, None) for t in fillers] + [
        (make_topic("Island Ferries", "Boats between islands, kept running by public subsidies."), None)])
    ranking = index.rank("island ferry grants")
    assert ranking[0].title == "Island Ferries"
    # "grants" helps where an unknown word does not
    assert ranking[0].coverage > index.rank("island ferry zorbles")[0].coverage
    assert "grant" not in ranking[0].explained  # a synonym supports the topic without being its own word


def test_a_synonym_of_a_name_word_helps_say_the_name() -> None:
    fillers = [make_topic(title, f"{title} is a subject about {word}.")
               for title, word in (("Kelp Farms", "seaweeds"), ("Peat Bogs", "wetlands"), ("Glass Art", "furnaces"),
                                   ("Bee Keeping", "hives"), ("Salt Mines", "caverns"), ("Tea Trade", "leaves"))]
    index = TopicIndex([(t, None) for t in fillers] + [
        (make_topic("Hydrogen Vehicles", "Trucks and buses that run on hydrogen fuel cells."), None),
        (make_topic("Fuelco", "Fuelco sells hydrogen to trucking firms."), None)])
    best = index.rank("hydrogen cars")[0]
    assert best.title == "Hydrogen Vehicles"
    assert best.name_cover > 0.5


def test_when_something_launched_is_asked_of_it_not_evidence_for_it() -> None:
    index = sample_index()
    assert [t.word for t in index.question_tokens("when did skyleaf launch")] == ["skyleaf"]
    assert [t.word for t in index.question_tokens("when was skyleaf released")] == ["skyleaf"]


def test_a_short_acronym_is_matched_exactly_not_as_a_typo() -> None:
    index = sample_index()
    index.upsert(make_topic("Kestrel Orbital Relay", "Kestrel Orbital Relay (KOR), a chain of weather satellites."))
    assert index.rank("KOR")[0].title == "Kestrel Orbital Relay"
    assert all(s.title != "Kestrel Orbital Relay" for s in index.rank("kora"))  # a word, not a slip of "KOR"
