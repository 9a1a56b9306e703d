"""ACLED event type and sub-event type rules.

ACLED's sub-types depend on more than the verb, so each rule below names the
evidence it uses: the weapon (from the trigger entry, absorbed nominal triggers and
weapon words in the clause), who the two sides are (armed vs civilian, state vs not),
and cues in the sentence (police intervention, lethal force, protesters turning
violent, a mob). Events ACLED would not code (verbal events, consultations, aid)
get `None`.

Rules, in order:
1. a lexicon entry with a fixed `acled` pair (arrest, abduction, looting, agreement ...);
2. ASSAULT with a remote weapon -> Explosions/Remote violence: suicide > chemical >
   air/drone > shelling/artillery/missile > IED/landmine > grenade > (bomb -> IED);
3. territory taken -> Government regains territory (state source) / Non-state actor overtakes territory;
4. PROTEST: riot or violence by demonstrators -> Riots (mob violence when no demonstration cue,
   else violent demonstration); lethal force on protesters -> Excessive force against protesters;
   police intervention (dispersal, tear gas, arrests) -> Protest with intervention; else Peaceful protest;
5. ASSAULT between two armed sides, or a clash/firefight/exchange of fire -> Battles/Armed clash;
   ASSAULT by a mob -> Riots/Mob violence; ASSAULT on civilians or unknown victims -> Violence against
   civilians/Attack (sexual violence and abduction have their own sub-types);
6. COERCE property destruction -> Looting/property destruction; MOBILIZE -> Change to group/activity.
"""

from __future__ import annotations

import re
from typing import Any

from .model import Actor, Article, Event

ARMED_SECTORS = {"MIL", "COP", "REB", "UAF", "PRM", "SPY", "CRM"}
STATE_SECTORS = {"MIL", "COP", "GOV", "SPY"}
CIVILIAN_SECTORS = {"CVL", "JRN", "EDU", "MED", "REF", "REL", "AGR", "BUS", "LAB", "SOC", "ELI", "OPP", "PTY"}

_ARMED_WORDS = re.compile(
    r"\b(troops?|soldiers?|forces|army|military|militia\w*|militants?|fighters?|rebels?|insurgents?|"
    r"gunmen|police\w*|officers?|gendarmes?|guards?|jihadists?|combatants?|battalion|brigade|unit|"
    r"commandos?|paramilitar\w+|marines|armed (?:men|group|groups)|assailants|attackers|bandits?|"
    r"terrorists?|guerrillas?|pirates?|mercenaries|snipers?|positions|self-defen[cs]e|vigilantes?|"
    r"cartel|gang\w*|dahalo|mayi[- ]mayi|al-shabaab|boko haram|iswap|jnim|taliban|houthis?|hezbollah|"
    r"hamas|pkk|ypg|sdf|is|isis|isil|daesh|naxal\w*|maoists?)\b", re.I)
_CIVILIAN_WORDS = re.compile(
    r"\b(civilians?|residents?|villagers?|farmers?|herders?|women|woman|children|child|boys?|girls?|men|man|"
    r"people|persons?|journalists?|reporters?|students?|teachers?|worker|workers|traders?|passengers?|"
    r"drivers?|family|families|pilgrims?|refugees?|migrants?|activists?|doctors?|nurses?|patients?|"
    r"worshippers?|shopkeepers?|businessm[ae]n|teenagers?|youths?|individuals?|elderly|victims?|"
    r"health workers?|aid workers?|monks?|priests?|imams?|couple|body|corpse|minors?|infants?|baby|"
    r"candidates?|councill?ors?|mayor|chief|official|officials|leader|member)\b", re.I)
_WEAPON_WORDS: list[tuple[str, re.Pattern[str]]] = [
    ("suicide", re.compile(r"\bsuicide\b|\bself-detonat|\bsvbied\b|\bblew (him|her)self up", re.I)),
    ("chemical", re.compile(r"\bchemical\b|\bchlorine\b|\bsarin\b|\bnerve agent|\btoxic (?:gas|substance|chemical)|"
                            r"\bmustard gas|"
                            r"\bpoison(?:ous)? gas|\basphyxia|\bbreathing difficult|\brespiratory (?:problem|symptom)|"
                            r"\bsuffocat|\bgas attack", re.I)),
    ("air", re.compile(r"\bair ?strikes?\b|\bair-strikes?\b|\bairstrikes?\b|\bair raids?\b|\bwarplanes?\b|"
                       r"\bjets?\b|\bhelicopters?\b|\bdrones?\b|\buavs?\b|\baerial\b|\bair force\b|"
                       r"\bbombers?\b|\bgunships?\b|\bfighter planes?\b|\baircraft\b", re.I)),
    ("artillery", re.compile(r"\bshell(?:s|ed|ing)?\b|\bartillery\b|\bmortars?\b|\brockets?\b|\bmissiles?\b|"
                             r"\bhowitzers?\b|\bprojectiles?\b|\bgrad\b|\bmlrs\b|\bkatyusha|\bheavy weapons\b|"
                             r"\bcannons?\b|\btank fire\b|\banti-tank\b|\batgm\b|\bbombard\w*|\bgrenade launchers?|"
                             r"\bmachine ?guns?\b|"
                             r"\brpgs?\b|\brecoilless|\banti-?aircraft|\bheavy weapons|\bexplosions? "
                             r"involving|\bshelled\b|\bmm\b|\d+ ?mm\b", re.I)),
    ("ied", re.compile(r"\bieds?\b|\bimprovised explosive|\broadside\b|\blandmines?\b|\bland mines?\b|"
                       r"\bmines?\b(?! ?(?:workers?|company|site))|\bcar bombs?\b|\bvbied|\bexplosive devices?\b|"
                       r"\bbooby|\bremote(?:ly)?[- ]detonat|\bstepped on\b|\bstruck a mine|\bmagnetic bomb", re.I)),
    ("grenade", re.compile(r"\bgrenades?\b(?! ?launchers?)|\bhand grenades?\b", re.I)),
]
_INTERVENTION = re.compile(
    r"\bdispers\w+|\btear ?gas|\bteargas|\bwater cannons?|\brubber bullets?|\bbatons?\b|\blathi|\bcharged\b|"
    r"\b(?:police|security forces|authorities|troops|soldiers|gendarm\w*|officers)\b[^.]{0,60}\b(?:arrest|detain)\w*|"
    r"\b(?:protesters|demonstrators|participants|activists|people|them|organi[sz]ers)\b[^.]{0,30}\b(?:were|was|"
    r"been) (?:arrested|detained)|\bbroke up|\bbreak up|\bbroken up|\bintervened|\bstun grenades?|\bpepper spray|"
    r"\bclashed with (?:the )?police|\bforcibly\b|\bremoved by police|\bpushed back|\bprevented\b|"
    r"\bblocked by (?:the )?police|\bfired (?:into the air|warning shots)", re.I)
_LETHAL_FORCE = re.compile(r"\blive (?:ammunition|rounds|fire|bullets)|\bexcessive force|\bviolently dispers\w+|"
                           r"\bbrutal(?:ly)? (?:dispers|crack)|\bfired (?:live )?(?:bullets )?(?:on|at|into) (?:the )?"
                           r"(?:protesters|demonstrators|crowd)|\bopened fire on\b.*\b(protesters|demonstrators|"
                           r"crowd)|\bshot dead\b|\bkill\w*|\bdied\b|\bfatal", re.I)
_PROTESTER_VIOLENCE = re.compile(
    r"\bpelt\w*|\b(?:threw|throwing|hurl\w*) (?:stones|rocks|bricks|bottles|objects)|\bset (?:fire|ablaze)|"
    r"\btorch(?:ed|ing)|\bburn(?:ed|t|ing) (?:tyres|tires|vehicles|cars|buildings|an? )|\bburning (?:tyres|tires)|"
    r"\bvandali\w+|\bransack\w*|\bloot(?:ed|ing)|\bclashed with|\bstormed|\bmolotov|\bpetrol bombs?|"
    r"\bviolent(?:ly)?\b|\briot\w*|\bsmash\w*|\bbarricad\w*(?! themselves)|\bwith (?:stones|rocks|burning)|"
    r"\bfir(?:ed|ing) (?:\w+ )*?into the air|\bproperty (?:was |were )?(?:destroyed|damaged)", re.I)
_DEMO = re.compile(r"\bprotest\w*|\bdemonstrat\w+|\brally|\bmarch\w*|\bsit-in|\bstrike\b|\bstriking\b|\bagitat",
                   re.I)
_MOB = re.compile(r"\bmobs?\b|\blynch\w*|\bvigilante|\bcommunal|\bangry (?:residents|villagers|crowd)|"
                  r"\bgroups? of (?:residents|villagers|people)|\bresidents attacked|\bvillagers attacked|"
                  r"\btwo groups|\brival groups|\bsupporters of|\bworkers of|\bcadres?\b|\bclash between", re.I)
_CLASH = re.compile(r"\bclash\w*|\bexchang\w+ (?:of )?(?:[\w-]+ ){0,3}fire|\bboth directions\b|"
                    r"\bfirefight|\bgunfight|\bgun battle|\bshootout|"
                    r"\bfighting\b|\bfought\b|\bbattle\w*|\bskirmish\w*|\bengaged\b|\brepel\w*|\brepuls\w*|"
                    r"\bthwart\w*|\bcounter-?attack", re.I)


def _sector_armed(a: Actor) -> bool | None:
    if a.sector in ARMED_SECTORS or a.kind == "armed_group":
        return True
    if a.sector in CIVILIAN_SECTORS:
        return False
    if a.kind == "state" and a.sector in (None, "GOV"):
        return True  # a state acting violently acts through its forces
    text = f"{a.text} {a.name}"
    if _ARMED_WORDS.search(text):
        return True
    if _CIVILIAN_WORDS.search(text):
        return False
    return None


def _side_armed(actors: list[Actor]) -> bool | None:
    vals = [_sector_armed(a) for a in actors]
    if any(v is True for v in vals):
        return True
    if any(v is False for v in vals):
        return False
    return None


def _state(actors: list[Actor]) -> bool:
    return any(a.sector in STATE_SECTORS or (a.kind == "state") or
               re.search(r"\b(army|military|troops|soldiers|government|police|forces of|armed forces)\b",
                         a.text, re.I) is not None for a in actors)


def weapon_of(ev: Event, text: str) -> str | None:
    """The most specific weapon named by the trigger facts or in the sentence."""
    facts: dict[str, Any] = ev._notes.get("facts", {})
    w = facts.get("weapon")
    if w == "drone":
        w = "air"
    if w in ("suicide", "chemical", "air"):
        return str(w)
    for name, pat in _WEAPON_WORDS:
        if pat.search(text):
            if name == "air" and w in ("firearms",) and not re.search(r"strike|raid|bomb", text, re.I):
                continue
            return name
    if w in ("missile", "rocket", "artillery"):
        return "artillery"
    return str(w) if w else None


_BACKGROUND_PREPS = {"after", "following", "before", "since", "despite", "amid", "ago", "unlike"}


def clause_text(ev: Event, article: Article | None) -> str:
    """The sentence without its background phrases ("two days after airstrikes", "following a
    bombing"), unless the trigger sits inside one, so their weapons don't leak into this event."""
    if article is None or article.sentences is None or ev._trigger_i < 0:
        return ev.evidence_text
    doc = article.sentences[ev.sentence_index].doc
    if doc is None:
        return ev.evidence_text
    trigger = doc[ev._trigger_i]
    skip: set[int] = set()
    for t in doc:
        background = (t.dep_ == "prep" and t.lower_ in _BACKGROUND_PREPS) or (
            t.dep_ == "advcl" and any(g.lower_ in _BACKGROUND_PREPS for g in t.children if g.dep_ == "mark"))
        if background and trigger not in t.subtree:
            skip.update(x.i for x in t.subtree)
    return " ".join(t.text for t in doc if t.i not in skip)


def classify_acled(ev: Event, article: Article | None = None) -> dict[str, str] | None:
    """ACLED {event_type, sub_event_type} for an event, or None where ACLED would not code it."""
    text = ev.evidence_text
    entry = ev._entry
    facts: dict[str, Any] = ev._notes.get("facts", {})
    if entry is not None and entry.acled:
        return {"event_type": entry.acled[0], "sub_event_type": entry.acled[1]}
    t = ev.type
    if t == "PROTEST":
        return _protest(ev, text, facts)
    if t == "ASSAULT":
        return _assault(ev, text, facts, clause_text(ev, article))
    if t == "COERCE":
        if facts.get("territory"):
            return _territory(ev, facts)
        if facts.get("property") or ev.mode == "seize":
            if _DEMO.search(text) or re.search(r"\brioters?\b|\bmobs?\b", text, re.I):
                return {"event_type": "Riots", "sub_event_type": "Violent demonstration"
                        if _DEMO.search(text) else "Mob violence"}
            return {"event_type": "Strategic developments", "sub_event_type": "Looting/property destruction"}
        if ev.mode == "police" and _DEMO.search(text):
            if _LETHAL_FORCE.search(text):
                return {"event_type": "Protests", "sub_event_type": "Excessive force against protesters"}
            return {"event_type": "Protests", "sub_event_type": "Protest with intervention"}
        if ev.mode == "arrest":
            return {"event_type": "Strategic developments", "sub_event_type": "Arrests"}
        return None
    if t == "MOBILIZE":
        return {"event_type": "Strategic developments", "sub_event_type": "Change to group/activity"}
    if t == "AGREE" and ((entry is not None and entry.cameo == "057") or _AGREEMENT.search(text)):
        return {"event_type": "Strategic developments", "sub_event_type": "Agreement"}
    if t == "RETREAT" and ev.mode == "disarm" and ev.contexts and "military" in ev.contexts:
        if _TRANSFER.search(text):
            return {"event_type": "Strategic developments", "sub_event_type": "Non-violent transfer of territory"}
        return {"event_type": "Strategic developments", "sub_event_type": "Change to group/activity"}
    return None


def _territory(ev: Event, facts: dict[str, Any]) -> dict[str, str]:
    if facts.get("territory") == "retake" or _state(ev.source):
        return {"event_type": "Battles", "sub_event_type": "Government regains territory"}
    return {"event_type": "Battles", "sub_event_type": "Non-state actor overtakes territory"}


def _protest(ev: Event, text: str, facts: dict[str, Any]) -> dict[str, str]:
    riot = ev.mode == "riot" or facts.get("violent")
    demo = _DEMO.search(text) is not None
    if _LETHAL_FORCE.search(text) and re.search(r"\b(police|security forces|troops|soldiers|army|gendarm)", text,
                                                 re.I) and not riot and demo:
        return {"event_type": "Protests", "sub_event_type": "Excessive force against protesters"}
    # a PROTEST-type event is a demonstration already ("residents blocked the road with burning tyres")
    if riot or (_PROTESTER_VIOLENCE.search(text) and (demo or ev.type == "PROTEST")
                and not _INTERVENTION.search(text)):
        if facts.get("mob") or (not demo and _MOB.search(text)):
            return {"event_type": "Riots", "sub_event_type": "Mob violence"}
        return {"event_type": "Riots", "sub_event_type": "Violent demonstration"}
    if _INTERVENTION.search(text):
        if _PROTESTER_VIOLENCE.search(text) and re.search(r"\b(protesters|demonstrators|crowd|rioters)\b[^.]{0,40}"
                                                           r"\b(pelt|threw|hurl|attack|torch|burn|stone)", text, re.I):
            return {"event_type": "Riots", "sub_event_type": "Violent demonstration"}
        return {"event_type": "Protests", "sub_event_type": "Protest with intervention"}
    return {"event_type": "Protests", "sub_event_type": "Peaceful protest"}


_AGREEMENT = re.compile(r"\b(?:cease-?fires?|truces?|peace (?:deal|agreement|accord)|agreements?|accords?|deals?|"
                        r"treat(?:y|ies)|pacts?|armistice)\b", re.I)
_TRANSFER = re.compile(r"\bwithdr[ae]w\w* from\b|\bpull(?:ed)? out of\b|\bin the hands of\b|\bhanded over\b|"
                       r"\bhand(?:ed|ing)? (?:it )?over\b|\btook over (?:the )?(?:positions|base|town)|\bevacuat\w+ "
                       r"(?:the )?(?:base|town|positions)", re.I)
_SEXUAL = re.compile(r"\brap(?:e|ed|es|ing|ists?)\b|\bgang-?raped\b|\bsexual(?:ly)? (?:assault|abus|violen|exploit)"
                     r"|\bmolest", re.I)
_ARREST_CUE = re.compile(r"\b(?:arrest\w*|detain\w*|detention|taken into custody|round(?:ed)? up)\b", re.I)


# direct fire next to heavy weapons means the sides were in contact: a battle, not remote violence
_DIRECT_FIRE = re.compile(r"\bsmall arms\b|\brifles?\b(?! ?grenade)|\bexchang\w+ (?:of )?fire|\bboth directions\b|"
                          r"\bbursts? of (?:automatic |gun)?fire\b|\bgunfire\b|\bfirefights?\b|\bgun ?battles?\b", re.I)


def _assault(ev: Event, text: str, facts: dict[str, Any], clause: str | None = None) -> dict[str, str]:
    if _SEXUAL.search(text) and facts.get("weapon") not in ("air", "artillery", "ied", "suicide"):
        return {"event_type": "Violence against civilians", "sub_event_type": "Sexual violence"}
    if ev._entry is not None and ev._entry.lemma == "raid" and _ARREST_CUE.search(text):
        return {"event_type": "Strategic developments", "sub_event_type": "Arrests"}
    if facts.get("sexual"):
        return {"event_type": "Violence against civilians", "sub_event_type": "Sexual violence"}
    if facts.get("abduct"):
        return {"event_type": "Violence against civilians", "sub_event_type": "Abduction/forced disappearance"}
    weapon = weapon_of(ev, clause if clause is not None else text)
    entry = ev._entry
    if weapon in ("artillery", "grenade", "bomb") and (
            (entry is not None and entry.facts.get("armed_clash"))
            or _DIRECT_FIRE.search(text)):
        weapon = None  # a clash or a mixed small-arms exchange is a battle even with heavy weapons
    remote = {
        "suicide": "Suicide bomb", "chemical": "Chemical weapon", "air": "Air/drone strike",
        "artillery": "Shelling/artillery/missile attack", "ied": "Remote explosive/landmine/IED",
        "grenade": "Grenade", "bomb": "Remote explosive/landmine/IED",
    }
    if weapon in remote:
        return {"event_type": "Explosions/Remote violence", "sub_event_type": remote[weapon]}
    src_armed = _side_armed(ev.source)
    tgt_armed = _side_armed(ev.target)
    mob = facts.get("mob") or (_MOB.search(text) is not None and src_armed is not True)
    # unorganised violence by civilians (villagers, traders, "four men") is mob violence in ACLED terms
    if (mob and not (src_armed and tgt_armed)) or (ev.source and src_armed is False):
        if _DEMO.search(text):
            return {"event_type": "Riots", "sub_event_type": "Violent demonstration"}
        return {"event_type": "Riots", "sub_event_type": "Mob violence"}
    clash = bool(facts.get("armed_clash")) or _CLASH.search(text) is not None
    if not ev.source and not ev.target and (clash or facts.get("weapon") == "firearms"):
        return {"event_type": "Battles", "sub_event_type": "Armed clash"}
    if src_armed and tgt_armed:
        return {"event_type": "Battles", "sub_event_type": "Armed clash"}
    if clash and tgt_armed is not False and src_armed is not False:
        return {"event_type": "Battles", "sub_event_type": "Armed clash"}
    if tgt_armed is True and src_armed is None and not facts.get("civilian_target"):
        return {"event_type": "Battles", "sub_event_type": "Armed clash"}
    return {"event_type": "Violence against civilians", "sub_event_type": "Attack"}


_PROTESTER = re.compile(r"\b(protest\w*|demonstrat\w+|rioters?|crowds?|marchers|mobs?|students|youths?|"
                        r"supporters|workers|residents|activists)\b", re.I)


def resolve_protest_context(events: list[Event], article: Article | None = None) -> None:
    """Code protest-paragraph events the way ACLED does: as one protest event.

    Arrests or dispersal of protesters in the protest's paragraph make it a protest with
    intervention (or excessive force when people were killed); violence by the protesters
    makes it a violent demonstration. The folded events keep their PLOVER codes but lose
    their separate ACLED coding, so a protest is not counted twice.
    """
    if article is None or article.sentences is None:
        return
    para = {s.index: s.paragraph for s in article.sentences}
    protests = [e for e in events if e.type == "PROTEST" and e.acled and e.acled["event_type"] == "Protests"]
    for p in protests:
        if p.acled and p.acled["sub_event_type"] == "Peaceful protest":
            _intervention_after(p, article, para)
        for ev in events:
            if ev is p or ev.acled is None or para.get(ev.sentence_index) != para.get(p.sentence_index):
                continue
            if ev.sentence_index < p.sentence_index - 1:
                continue
            sub = ev.acled["sub_event_type"]
            by_protesters = any(_PROTESTER.search(a.text + " " + a.name) for a in ev.source) or (
                bool(p.source) and {a.name for a in ev.source} & {a.name for a in p.source})
            on_protesters = any(_PROTESTER.search(a.text + " " + a.name) for a in ev.target) or (
                not ev.target and ev.sentence_index == p.sentence_index)
            if ev._notes.get("embedded"):
                continue
            if ev.type == "COERCE" and ev.mode in ("arrest", "police") and on_protesters:
                lethal = ev.mode == "police" and _LETHAL_FORCE.search(ev.evidence_text)
                p.acled = {"event_type": "Protests", "sub_event_type": "Excessive force against protesters"
                           if lethal else "Protest with intervention"}
                ev.acled = None
            elif ev.type == "ASSAULT" and not by_protesters and on_protesters and _LETHAL_FORCE.search(
                    ev.evidence_text) and _side_armed(ev.source):
                p.acled = {"event_type": "Protests", "sub_event_type": "Excessive force against protesters"}
                ev.acled = None
            elif by_protesters and (ev.type == "ASSAULT" or sub == "Looting/property destruction"):
                p.acled = {"event_type": "Riots", "sub_event_type": "Violent demonstration"}
                ev.acled = None


_FORCES = re.compile(r"\b(?:police\w*|security (?:forces|personnel|agents)|troops|soldiers|army|gendarm\w*|"
                     r"officers|authorities|guards)\b", re.I)


def _intervention_after(p: Event, article: Article, para: dict[int, int]) -> None:
    """"Teachers demonstrated in Goma. The police intervened to disperse them.": the next sentences of
    the protest's paragraph (`para`: sentence index -> paragraph) tell how it ended, whether or not
    they hold an event of their own."""
    assert article.sentences is not None
    for s in article.sentences[p.sentence_index + 1:p.sentence_index + 3]:
        if s.paragraph != para.get(p.sentence_index):
            continue
        if _INTERVENTION.search(s.text) and _FORCES.search(s.text):
            lethal = _LETHAL_FORCE.search(s.text) is not None
            p.acled = {"event_type": "Protests", "sub_event_type": "Excessive force against protesters"
                       if lethal else "Protest with intervention"}
            return
