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
