"""Word lists the question reader relies on, kept general (they describe English, not our topics).

* ``FUNCTION_WORDS``: grammar and chat filler; never evidence for a topic.
* ``INTENT_WORDS``: words that say *what kind* of answer is wanted (summary, timeline, sources,
  list); they steer the intent and are never evidence for a topic either.
* ``ASPECT_WORDS``: things one can ask about almost any tracked subject (its news, price,
  earnings, plans, when it launched or was released). They neither count for nor against a
  topic that the question names.
* ``COMMON_WORDS``: frequent English content words ("day", "real", "close", "work"). The index is
  small, so a word few records happen to use looks rare to it; these words are rare in no English
  text, and the matcher caps their IDF as if half the records used them.
* ``SYNONYM_GROUPS``: everyday words people use for the same thing ("driverless" / "autonomous",
  "law" / "act" / "legislation"); a question word counts, more weakly, where the record uses another
  word of its group.
* ``ATTRIBUTE_CUES``: question words that point at kinds of attribute names ("who runs" → CEO,
  leader; "how tall" → height). Values are words that may appear in an attribute *name*.
"""

from __future__ import annotations

from typing import Final


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNCTION_WORDS: Final = _word_set(
    """
    go goes going gone went come comes came
    a an the and or but nor so of to in on at by for from with without into onto over under
    about as than then that this these those there here it its is are was were be been being am
    do does did done doing have has had having will would shall should can could may might must
    i me my mine we us our you your u ur yours he him his she her they them their what whats
    which who whom whose when where why how whos wheres hows any some all every each much many
    more most very just also too really actually even still again now not no yes yeah ok okay
    please pls plz thanks thank thx ty lol lmao lmfao haha hah omg wow hey hi hello yo sup gm gn guys
    everyone anyone someone bot topicbot ask like kind sort thing things stuff going get got
    gonna wanna let lets if whether up out true right say said tell know think im ive id youre
    dont doesnt didnt cant isnt arent wasnt one ones abt bout wat wut wht r n thats theres
    spoiler spoilers
    """
)

#: Words that ask for a kind of answer. Also never evidence for a topic.
INTENT_WORDS: Final = _word_set(
    """
    summary summarize summarise summarized overview explain explained describe description
    define definition meaning info information details detail give show me tell about learn
    timeline history events event milestones milestone happened happen happening latest recent
    recently news update updates new timeline chronology source sources link links read reading
    references reference citations articles article url urls list topics topic track tracked
    tracking cover covered do know everything src srcs sauce cite deadline deadlines backstory
    receipts
    """
)

#: Generic aspects of any subject: neutral evidence when a topic is named.
ASPECT_WORDS: Final = _word_set(
    """
    earnings revenue revenues profit profits stock stocks share shares price prices valuation
    value worth market cap funding status deal deals plans plan future outlook impact effect
    effects situation drama controversy debate opinion opinions take thoughts doing up
    launch launched launches release released releases announce announced announcement debut
    debuted unveil unveiled introduce introduced
    """
)

#: Frequent English verbs, nouns, adjectives and adverbs that name no particular subject. The cap is
#: applied by stem, so words whose stem is also another word's are left out ("better" → "bet",
#: "same" → "sam", "time" → "tim", "made" → "mad").
COMMON_WORDS: Final = _word_set(
    """
    day days year years week weeks month months today tonight tomorrow yesterday night
    morning weekend moment ago soon lately currently nowadays anymore
    way ways people person man men woman women guy thing part place case point lot lots bit group
    fact idea question questions answer reason example problem problems world life hand end
    make makes making work works working worked use used using take takes took see look
    looking want wants need needs find found give gives call called feel keep kept put seem try
    trying mean means turn help show play move bring brought start begin stand hear meet
    real close good bad great little big small large long short old young early next last
    different able sure whole best worse worst full hard easy nice cool crazy
    huge important possible likely certain simple
    basically literally probably maybe definitely seriously honestly
    """
)

#: Groups of interchangeable everyday words (general English, one group per line).
SYNONYM_GROUPS: Final = tuple(
    frozenset(line.split())
    for line in """
    car cars vehicle vehicles automobile automobiles auto autos
    driverless autonomous selfdriving
    law laws act acts bill bills legislation statute
    ban bans banned prohibition prohibit prohibited
    company companies firm firms business corporation startup
    chatbot chatbots assistant assistants
    smart intelligent intelligence
    factory factories plant plants fab fabs facility facilities
    maker makers manufacturer manufacturers producer producers
    drug drugs medication medications medicine medicines treatment treatments therapy therapies
    shot shots injection injections jab jabs
    electricity power energy
    tax taxes tariff tariffs duty duties levy levies
    bet bets betting wager wagers gamble gambling
    election elections vote votes voting
    lawsuit lawsuits case cases suit trial
    virus viruses flu influenza disease diseases outbreak
    bird birds avian poultry
    cow cows cattle dairy
    people humans human person persons
    video videos clip clips film
    image images picture pictures photo photos
    europe european eu
    chip chips semiconductor semiconductors microchip microchips
    metal metals element elements mineral minerals
    rocket rockets launcher
    money funding cash subsidy subsidies grant grants
    rule rules regulation regulations
    """.strip().splitlines()
)

#: Cue word (normalised, unstemmed) → words that may appear in a matching attribute's name.
ATTRIBUTE_CUES: Final = {
    "who": ("ceo", "leader", "leadership", "chair", "chairman", "president", "founder", "creator",
            "developer", "manufacturer", "operator", "owner", "judge", "regulator"),
    "runs": ("ceo", "leadership", "leader", "chair", "chairman", "administrator", "operator"),
    "run": ("ceo", "leadership", "leader", "chair", "chairman", "administrator", "operator"),
    "leads": ("ceo", "leadership", "leader", "chair", "chairman"),
    "lead": ("ceo", "leadership", "leader", "chair", "chairman"),
    "head": ("ceo", "leadership", "leader", "chair", "chairman"),
    "boss": ("ceo", "leadership", "leader", "chair", "chairman"),
    "charge": ("ceo", "leadership", "leader", "chair", "chairman", "administrator"),
    "founded": ("founded", "founder", "created", "launch"),
    "started": ("founded", "created", "launch"),
    "created": ("creator", "founder", "created", "developer"),
    "invented": ("creator", "founder", "discoverers", "developer"),
    "made": ("creator", "developer", "manufacturer"),
    "makes": ("manufacturer", "developer", "manufacturing"),
    "built": ("manufacturer", "developer", "manufacturing"),
    "builds": ("manufacturer", "developer", "manufacturing"),
    "where": ("headquarters", "location", "areas", "service", "sites"),
    "based": ("headquarters", "location"),
    "operate": ("areas", "service", "markets", "locations", "countries"),
    "operates": ("areas", "service", "markets", "locations", "countries"),
    "available": ("areas", "service", "markets", "locations", "countries", "supported"),
    "owns": ("parent", "owner", "ownership"),
    "owned": ("parent", "owner", "ownership"),
    "owner": ("parent", "owner", "ownership"),
    "cities": ("areas", "service", "locations", "markets"),
    "city": ("areas", "service", "locations", "markets"),
    "countries": ("areas", "markets", "locations"),
    "tall": ("height",),
    "high": ("height", "rate", "rates", "level"),
    "big": ("size", "height"),
    "large": ("size",),
    "many": ("size", "number", "count", "users", "subscribers"),
    "cost": ("price", "cost"),
    "costs": ("price", "cost"),
    "expensive": ("price", "cost"),
    "cheap": ("price", "cost"),
    "kind": ("type", "types", "formats", "categories"),
    "kinds": ("type", "types", "formats", "categories"),
    "type": ("type",),
    "before": ("predecessor", "previous", "former"),
    "previously": ("predecessor", "previous", "former"),
    "formerly": ("predecessor", "previous", "former"),
    "called": ("predecessor", "name"),
    "biggest": ("largest", "major", "leading"),
    "largest": ("largest", "major", "leading"),
    "main": ("main", "major", "key", "leading"),
    "top": ("largest", "major", "leading"),
    "covered": ("affected", "covered", "scope"),
    "affected": ("affected",),
    "affect": ("affected",),
    "include": ("affected", "includes"),
    "included": ("affected", "includes"),
    "support": ("supported",),
    "supports": ("supported",),
    "tech": ("technology",),
    "save": ("savings",),
    "saved": ("savings",),
    "buying": ("buyers", "buyer"),
    "buy": ("buyers", "buyer"),
    "sell": ("products",),
    "sells": ("products",),
    "structured": ("structure",),
    "regulates": ("regulator", "regulation"),
    "regulated": ("regulator", "regulation"),
    "risks": ("concerns", "challenges", "criticisms", "controversies"),
    "problems": ("concerns", "challenges", "obstacle", "limitations", "criticisms"),
    "downsides": ("concerns", "challenges", "limitations", "criticisms", "side"),
    "uses": ("uses", "use"),
    "penalty": ("penalty",),
    "fine": ("penalty",),
    "fines": ("penalty",),
    # Rivals, overseers and backers, in the words people use for them.
    "rival": ("competitors", "rivals", "competition", "alternatives"),
    "rivals": ("competitors", "rivals", "competition", "alternatives"),
    "competing": ("competitors", "rivals", "competition"),
    "compete": ("competitors", "rivals", "competition"),
    "competes": ("competitors", "rivals", "competition"),
    "against": ("competitors", "rivals", "competition", "opponents"),
    "alternatives": ("competitors", "alternatives"),
    "police": ("regulator", "regulators", "enforcement", "oversight"),
    "polices": ("regulator", "regulators", "enforcement", "oversight"),
    "oversee": ("regulator", "regulators", "oversight", "administering", "agency"),
    "oversees": ("regulator", "regulators", "oversight", "administering", "agency"),
    "enforce": ("regulator", "regulators", "enforcement", "agency"),
    "enforces": ("regulator", "regulators", "enforcement", "agency"),
    "approve": ("regulator", "regulators", "approval", "approved"),
    "approves": ("regulator", "regulators", "approval", "approved"),
    "watchdog": ("regulator", "regulators", "oversight"),
    "agency": ("agency", "regulator", "administering"),
    "department": ("agency", "administering", "department"),
    "backers": ("investors", "investor", "backers", "funding"),
    "backed": ("investors", "investor", "backers", "funding"),
    "invested": ("investors", "investor", "funding"),
    "shareholder": ("investors", "investor", "owner", "ownership"),
    "shareholders": ("investors", "investor", "owner", "ownership"),
    "stake": ("investors", "investor", "ownership"),
    "raised": ("funding", "raised", "valuation"),
    "money": ("funding", "raised", "price", "cost", "size"),
    "cash": ("funding", "raised"),
    "pricey": ("price", "cost"),
    "subscription": ("price", "cost", "subscribers"),
    "fee": ("price", "cost"),
    "fees": ("price", "cost"),
    "old": ("founded", "launched", "created", "established", "age"),
    "began": ("founded", "launched", "created", "established"),
    "live": ("launched", "launch"),
    "heads": ("ceo", "leadership", "leader", "chair", "chairman"),
    "chief": ("ceo", "leader", "chair"),
    "office": ("headquarters", "location"),
    "offices": ("headquarters", "location"),
    "hq": ("headquarters",),
    "located": ("headquarters", "location", "site"),
    "worried": ("concerns", "risks", "challenges", "criticisms"),
    "worries": ("concerns", "risks", "challenges", "criticisms"),
    "dangers": ("concerns", "risks", "challenges"),
    "hardest": ("challenge", "challenges", "obstacle", "limitations"),
    "hurdles": ("challenge", "challenges", "obstacle", "limitations"),
    "obstacles": ("challenge", "challenges", "obstacle", "limitations"),
    "customers": ("users", "subscribers", "customers"),
    "powered": ("fuel", "power", "engines", "energy"),
    "fuel": ("fuel", "engines", "power"),
    "output": ("output", "capacity", "power"),
    "produce": ("output", "capacity", "production"),
    "produces": ("output", "capacity", "production"),
    "trial": ("court", "judge", "venue"),
    "case": ("court", "judge", "venue"),
    "bankrolling": ("investors", "investor", "funding", "backers"),
    "bankrolled": ("investors", "investor", "funding", "backers"),
    "financing": ("investors", "investor", "funding"),
    "running": ("ceo", "leadership", "leader", "chair", "operator"),
    "bad": ("limitations", "weaknesses", "concerns", "criticisms"),
    "weaknesses": ("limitations", "weaknesses", "concerns"),
    "limits": ("limitations", "limits", "constraints"),
    "stopping": ("obstacle", "obstacles", "challenge", "challenges", "barriers"),
    "blocking": ("obstacle", "obstacles", "challenge", "challenges", "barriers"),
    "free": ("license", "licence", "price", "pricing", "cost"),
    "outside": ("third", "external", "overseas", "international"),
    "external": ("third", "external"),
    "abroad": ("overseas", "international", "foreign"),
    "overseas": ("overseas", "international", "foreign"),
    "backing": ("reserve", "reserves", "collateral", "backing", "investors"),
    "hold": ("reserve", "reserves", "holdings", "assets"),
    "agree": ("consensus",),
    "half": ("halving",),
    "halved": ("halving",),
    "apps": ("platforms", "apps", "products"),
    "shut": ("end", "closure", "shutdown", "scheduled"),
    "factories": ("fabs", "plants", "facilities", "factories", "sites", "manufacturing"),
    "plants": ("plants", "facilities", "sites", "fabs"),
    "delivered": ("deliveries", "sales", "shipments"),
    "shipped": ("deliveries", "sales", "shipments"),
    "brands": ("manufacturers", "makers", "brands", "companies"),
    "startups": ("companies", "startups", "players", "operators"),
    "firms": ("companies", "firms", "players", "operators"),
    "stand": ("full", "acronym"),
    "pay": ("subscribers", "customers", "price", "cost"),
    "rate": ("rate", "rates", "range", "target"),
    "decides": ("regulator", "regulators", "authority", "approval"),
    "decide": ("regulator", "regulators", "authority", "approval"),
}

#: Words that make a message a question ("who", "is", "does"): an attribute may be asked for.
ASKING_WORDS: Final = _word_set("what whats which who whos whom when where why how is are does did")

#: Words that make a message a remark about the speaker or the chat rather than a request.
PERSONAL_WORDS: Final = _word_set("i im ive id ill my me mine we were weve our us you youre your u ur")

#: ... unless they ask for something ("i want to know about", "i need info on", "im curious about").
REQUEST_WORDS: Final = _word_set(
    """
    want wanna need needs curious wonder wondering interested looking tell explain help show know
    learn info information details recommend read understand get
    """
)
