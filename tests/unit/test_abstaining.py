"""Abstaining on chatter that shares one ordinary word with a record, and answering a lone name."""

from __future__ import annotations

import os
import subprocess
import sys

from answer_fixtures import make_topic
from expected_misses import LEARNED_MISS

from bot.core.engine import TopicIndex
from bot.core.engine.answering import Answerer
from bot.core.engine.topic_documents import proper_words
from bot.core.model import Attribute


def _index() -> TopicIndex:
    return TopicIndex([
        (make_topic(
            "Tidal Power",
            "Tidal power (TSE), electricity from the rise and fall of the sea, studied at the Rance barrage.",
            "Tidal stations such as Rance and the planned Swansea lagoon turn tides into power twice a day. "
            "Output is predictable but the build cost is high.",
        ), None),
        (make_topic(
            "Kelp Farming",
            "Growing seaweed on ropes offshore for food, feed and carbon capture.",
            "Kelp grows fast in cold water; farms in Maine and Norway harvest it each spring.",
        ), None),
    ])


def test_proper_words_keep_names_and_drop_common_words() -> None:
    found = proper_words(["Tidal stations such as Rance turn tides into power twice a day. Output is high."])
    assert "rance" in found
    assert "day" not in found
    assert "output" not in found  # capitalised only where a sentence starts


def test_a_common_word_stemmed_like_a_name_is_not_that_name() -> None:
    found = proper_words(["Its chief, Sam Reyes, said the same plan would ship. Sam Reyes repeated it."])
    assert "sam" in found
    assert "same" not in found


def test_one_ordinary_word_from_the_prose_is_not_a_question_about_the_topic() -> None:
    answer = Answerer(_index()).answer("haha what a day")
    assert answer.intent == "none"
    assert answer.topic is None


def test_a_lone_name_from_the_prose_still_finds_its_topic() -> None:
    answer = Answerer(_index()).answer("rance")
    assert answer.topic is not None
    assert answer.topic.title == "Tidal Power"


def test_answers_do_not_depend_on_the_hash_seed() -> None:
    script = (
        "import sys; sys.path[:0] = sys.argv[1:]\n"
        "from test_abstaining import _index\n"
        "from bot.core.engine.answering import Answerer\n"
        "a = Answerer(_index())\n"
        "print([(x.intent, x.topic and x.topic.title) for x in map(a.answer, "
        "['when did rance first hit 240 MW', 'kelp hit', 'tidal hit'])])\n"
    )
    here = os.path.dirname(__file__)
    outputs = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        command = [sys.executable, "-c", script, here, os.getcwd()]
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)  # noqa: S603
        outputs.add(done.stdout)
    assert len(outputs) == 1


def _metals_index() -> TopicIndex:
    fillers = [make_topic(title, f"{title} is a subject about {word}.", f"It takes energy, like {word} do.")
               for title, word in (("Kelp Farms", "seaweeds"), ("Peat Bogs", "wetlands"), ("Glass Art", "furnaces"),
                                   ("Bee Keeping", "hives"), ("Salt Mines", "caverns"), ("Tea Trade", "leaves"))]
    return TopicIndex([(t, None) for t in fillers] + [
        (make_topic("Magnet Metals", "Metals that go into the magnets of motors and tidal turbines.",
                    "Most magnet metals are refined in one country; tidal farms and cars need them."), None),
        (make_topic("Grid Storage", "Batteries that store energy for the power grid.",
                    "Energy storage smooths out supply."), None),
    ])


@LEARNED_MISS
def test_one_prose_word_next_to_words_the_record_does_not_explain_is_not_its_subject() -> None:
    answer = Answerer(_metals_index()).answer("tidal energy")
    assert answer.intent == "none"
    assert answer.topic is None


def test_the_same_word_alone_still_finds_the_record_that_keeps_returning_to_it() -> None:
    answer = Answerer(_metals_index()).answer("tidal")
    assert answer.topic is not None
    assert answer.topic.title == "Magnet Metals"


def _law_index() -> TopicIndex:
    fillers = [make_topic(title, f"{title} is a subject about {word}.")
               for title, word in (("Kelp Farms", "seaweeds"), ("Peat Bogs", "wetlands"), ("Glass Art", "furnaces"),
                                   ("Bee Keeping", "hives"), ("Salt Mines", "caverns"), ("Tea Trade", "leaves"))]
    law = make_topic("Drone Rules", "Limits on flying drones over cities.", attributes=(
        Attribute("Law", "The Harbour Drone Restriction Act (HDRA), signed in Oslo in 2024."),))
    return TopicIndex([(t, None) for t in (*fillers, law)])


def test_an_acronym_only_one_record_uses_finds_it_wherever_it_appears() -> None:
    answer = Answerer(_law_index()).answer("HDRA")
    assert answer.topic is not None
    assert answer.topic.title == "Drone Rules"


def test_a_place_only_one_record_mentions_is_not_a_name_for_it() -> None:
    assert Answerer(_law_index()).answer("what time is it in oslo").intent == "none"


def _mentions_index() -> TopicIndex:
    fillers = [make_topic(title, f"{title} is a subject about {word}.")
               for title, word in (("Kelp Farms", "seaweeds"), ("Peat Bogs", "wetlands"), ("Glass Art", "furnaces"),
                                   ("Bee Keeping", "hives"), ("Salt Mines", "caverns"), ("Tea Trade", "leaves"))]
    return TopicIndex([(t, None) for t in fillers] + [
        (make_topic("Ice Drilling", "Deep cores drilled in glaciers, funded by Borealis."), None),
        (make_topic("Polar Shipping", "Cargo routes through Arctic ice, insured by Borealis."), None),
    ])


@LEARNED_MISS
def test_an_aspect_of_a_name_several_records_only_mention_is_a_miss() -> None:
    answer = Answerer(_mentions_index()).answer("borealis earnings")
    assert answer.intent == "none"
    assert answer.topic is None


def test_the_bare_name_still_offers_the_records_that_mention_it() -> None:
    answer = Answerer(_mentions_index()).answer("borealis")
    assert answer.is_disambiguation
    assert set(answer.candidates) == {"Ice Drilling", "Polar Shipping"}


def _office_index() -> TopicIndex:
    fillers = [make_topic(title, f"{title} is a subject about {word}.")
               for title, word in (("Kelp Farms", "seaweeds"), ("Peat Bogs", "wetlands"), ("Glass Art", "furnaces"),
                                   ("Bee Keeping", "hives"), ("Salt Mines", "caverns"), ("Tea Trade", "leaves"))]
    office = make_topic("Office of Road Efficiency", "The Office of Road Efficiency (CONE) audits road budgets.")
    return TopicIndex([(t, None) for t in (*fillers, office)])


def test_a_short_acronym_is_not_found_through_the_word_its_stem_would_make() -> None:
    answerer = Answerer(_office_index())
    assert answerer.answer("CONE").topic is not None  # the acronym itself
    assert answerer.answer("who runs CONE").topic is not None
    assert answerer.answer("traffic con tips").intent == "none"  # "con" is not CONE with its "e" stripped


def test_an_acronym_that_spells_an_everyday_word_names_its_topic_only_in_capitals() -> None:
    answerer = Answerer(_office_index())
    assert answerer.answer("who runs CONE").topic is not None
    assert answerer.answer("I dropped my ice cream cone").intent == "none"
    assert answerer.answer("what is a cone").intent == "none"


def test_an_unknown_word_two_slips_from_chatter_is_still_a_word() -> None:
    index = TopicIndex([(make_topic("Bee Keeping", "Hives and honey."), None)])
    assert [t.word for t in index.question_tokens("how to feed my dog")] == ["feed", "dog"]
    assert [t.word for t in index.question_tokens("teh bees")] == ["bees"]  # one swap away from "the"


@LEARNED_MISS
def test_an_aspect_of_an_outside_name_is_a_miss_even_when_one_record_mentions_it_more() -> None:
    fillers = [make_topic(title, f"{title} is a subject about {word}.")
               for title, word in (("Kelp Farms", "seaweeds"), ("Peat Bogs", "wetlands"), ("Glass Art", "furnaces"),
                                   ("Bee Keeping", "hives"), ("Salt Mines", "caverns"), ("Tea Trade", "leaves"))]
    index = TopicIndex([(t, None) for t in fillers] + [
        (make_topic("Ice Drilling", "Deep cores drilled in glaciers.", "Borealis pays for most drilling seasons.",
                    attributes=(
            Attribute("Investors", "Borealis, with a stake of a third."),
            Attribute("Partners", "Labs in Oslo; the insurer is Borealis."))), None),
        (make_topic("Polar Shipping", "Cargo routes through Arctic ice.", "Its ships are insured by Borealis."),
         None),
    ])
    answerer = Answerer(index)
    assert answerer.answer("borealis earnings").intent == "none"
    index.upsert(make_topic("Snow Radar", "Radar that maps snow depth, built for Borealis."))
    own = answerer.answer("borealis earnings")  # a record whose own definition uses the name answers
    assert own.topic is not None
    assert own.topic.title == "Snow Radar"


def test_chatter_stemmed_like_a_person_in_a_record_is_not_about_it() -> None:
    index = TopicIndex([(make_topic(
        "Orbital Freight",
        "Cargo flights to low orbit run by Skylane, whose chief executive is Sam Reyes.",
        "Skylane, led by Sam Reyes, flies cargo to stations; Sam Reyes says prices will fall.",
    ), None)])
    assert Answerer(index).answer("ok same").intent == "none"
    assert Answerer(index).answer("who is sam reyes").topic is not None


def test_stems_keep_the_silent_e_of_short_words() -> None:
    from bot.core.engine.tokens import stem

    assert stem("same") != stem("sam")
    assert stem("making") == stem("makes") == stem("make")
    assert stem("timed") == stem("time")
    assert stem("betting") == stem("bet")


def test_a_frequent_word_alone_is_chatter_even_inside_a_record_name() -> None:
    index = TopicIndex([(make_topic(
        "Harbour Tariffs",
        "Port fees announced on Harbour Day, raised again each day of the strike.",
        "After Harbour Day the fees doubled; every day ships queued outside.",
    ), None)])
    assert Answerer(index).answer("what a day").intent == "none"
    assert Answerer(index).answer("gm gm").intent == "none"
    assert Answerer(index).answer("harbour day fees").topic is not None
