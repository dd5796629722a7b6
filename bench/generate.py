"""Seeded generator of realistic `wir-matching/1` instances for Hessen.

Shapes taken from the product: the 21 Hessian counties (Landkreise) with real towns and
coordinates, skewed language demand (Arabic, Dari/Farsi, Ukrainian, Turkish ... with scarce
Tigrinya, Somali, Farsi and Urdu), office-hours appointments on weekdays in Europe/Berlin
(the default week spans the 2026-10-25 change from +02:00 to +01:00), mostly in person,
some by phone or video, normal/urgent/critical priorities and a gap between appointments.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")

#: County -> towns (name, lat, lon). The first town is the seat of the integration center.
COUNTIES: dict[str, list[tuple[str, float, float]]] = {
    "Wetteraukreis": [
        ("Friedberg", 50.3356, 8.7555),
        ("Bad Nauheim", 50.3667, 8.7500),
        ("Büdingen", 50.2906, 9.1126),
        ("Bad Vilbel", 50.1786, 8.7361),
        ("Nidda", 50.4128, 9.0075),
        ("Butzbach", 50.4347, 8.6703),
    ],
    "Main-Kinzig-Kreis": [
        ("Gelnhausen", 50.2000, 9.1867),
        ("Hanau", 50.1328, 8.9169),
        ("Schlüchtern", 50.3486, 9.5253),
        ("Maintal", 50.1500, 8.8333),
        ("Bad Orb", 50.2278, 9.3486),
    ],
    "Kreis Offenbach": [
        ("Dietzenbach", 50.0086, 8.7772),
        ("Dreieich", 50.0167, 8.6833),
        ("Rodgau", 50.0256, 8.8853),
        ("Langen", 49.9894, 8.6625),
        ("Neu-Isenburg", 50.0500, 8.7000),
    ],
    "Main-Taunus-Kreis": [
        ("Hofheim am Taunus", 50.0903, 8.4497),
        ("Eschborn", 50.1436, 8.5711),
        ("Bad Soden", 50.1431, 8.5047),
        ("Hattersheim", 50.0697, 8.4861),
    ],
    "Hochtaunuskreis": [
        ("Bad Homburg", 50.2268, 8.6182),
        ("Oberursel", 50.2028, 8.5769),
        ("Usingen", 50.3344, 8.5361),
        ("Königstein", 50.1833, 8.4667),
    ],
    "Rheingau-Taunus-Kreis": [
        ("Bad Schwalbach", 50.1397, 8.0694),
        ("Taunusstein", 50.1435, 8.1528),
        ("Idstein", 50.2206, 8.2686),
        ("Rüdesheim", 49.9786, 7.9236),
        ("Eltville", 50.0286, 8.1175),
    ],
    "Kreis Groß-Gerau": [
        ("Groß-Gerau", 49.9214, 8.4822),
        ("Rüsselsheim", 49.9950, 8.4119),
        ("Mörfelden-Walldorf", 49.9896, 8.5661),
        ("Riedstadt", 49.8333, 8.5000),
    ],
    "Darmstadt-Dieburg": [
        ("Dieburg", 49.8986, 8.8378),
        ("Griesheim", 49.8625, 8.5639),
        ("Pfungstadt", 49.8056, 8.6031),
        ("Groß-Umstadt", 49.8694, 8.9322),
    ],
    "Kreis Bergstraße": [
        ("Heppenheim", 49.6417, 8.6389),
        ("Bensheim", 49.6811, 8.6228),
        ("Viernheim", 49.5403, 8.5786),
        ("Lampertheim", 49.5978, 8.4725),
    ],
    "Odenwaldkreis": [
        ("Erbach", 49.6614, 8.9931),
        ("Michelstadt", 49.6786, 9.0039),
        ("Höchst im Odenwald", 49.8000, 8.9933),
        ("Bad König", 49.7411, 9.0078),
    ],
    "Landkreis Gießen": [
        ("Gießen", 50.5833, 8.6667),
        ("Lich", 50.5211, 8.8181),
        ("Laubach", 50.5417, 8.9894),
        ("Hungen", 50.4736, 8.8992),
        ("Pohlheim", 50.5333, 8.7000),
    ],
    "Lahn-Dill-Kreis": [
        ("Wetzlar", 50.5667, 8.5000),
        ("Dillenburg", 50.7397, 8.2878),
        ("Herborn", 50.6825, 8.3061),
        ("Haiger", 50.7428, 8.2069),
    ],
    "Limburg-Weilburg": [
        ("Limburg", 50.3836, 8.0503),
        ("Weilburg", 50.4833, 8.2667),
        ("Bad Camberg", 50.2986, 8.2681),
        ("Hadamar", 50.4461, 8.0431),
    ],
    "Marburg-Biedenkopf": [
        ("Marburg", 50.8100, 8.7708),
        ("Stadtallendorf", 50.8228, 9.0203),
        ("Kirchhain", 50.8261, 8.9231),
        ("Biedenkopf", 50.9114, 8.5333),
    ],
    "Vogelsbergkreis": [
        ("Lauterbach", 50.6378, 9.3975),
        ("Alsfeld", 50.7511, 9.2711),
        ("Schotten", 50.5033, 9.1242),
        ("Homberg (Ohm)", 50.7308, 8.9969),
    ],
    "Landkreis Fulda": [
        ("Fulda", 50.5528, 9.6775),
        ("Hünfeld", 50.6717, 9.7653),
        ("Petersberg", 50.5625, 9.7139),
        ("Neuhof", 50.4536, 9.6128),
    ],
    "Hersfeld-Rotenburg": [
        ("Bad Hersfeld", 50.8683, 9.7067),
        ("Rotenburg a. d. Fulda", 50.9961, 9.7283),
        ("Bebra", 50.9711, 9.7903),
        ("Heringen", 50.8872, 10.0033),
    ],
    "Werra-Meißner-Kreis": [
        ("Eschwege", 51.1881, 10.0528),
        ("Witzenhausen", 51.3422, 9.8572),
        ("Hessisch Lichtenau", 51.1997, 9.7197),
        ("Sontra", 51.0642, 9.9356),
    ],
    "Schwalm-Eder-Kreis": [
        ("Homberg (Efze)", 51.0297, 9.4031),
        ("Melsungen", 51.1306, 9.5522),
        ("Fritzlar", 51.1333, 9.2667),
        ("Schwalmstadt", 50.9333, 9.2167),
    ],
    "Landkreis Kassel": [
        ("Hofgeismar", 51.4961, 9.3847),
        ("Vellmar", 51.3500, 9.4667),
        ("Baunatal", 51.2519, 9.4183),
        ("Wolfhagen", 51.3267, 9.1717),
    ],
    "Waldeck-Frankenberg": [
        ("Korbach", 51.2753, 8.8731),
        ("Bad Arolsen", 51.3819, 9.0217),
        ("Frankenberg (Eder)", 51.0589, 8.7967),
        ("Bad Wildungen", 51.1194, 9.1247),
    ],
}

#: Share of requests per language (demand) and of interpreters speaking it (supply).
DEMAND: dict[str, float] = {
    "ar": 0.24,
    "uk": 0.14,
    "prs": 0.08,
    "fa": 0.08,
    "tr": 0.07,
    "ru": 0.06,
    "ps": 0.06,
    "kmr": 0.06,
    "ti": 0.05,
    "so": 0.04,
    "ur": 0.03,
    "sq": 0.03,
    "ro": 0.03,
    "bg": 0.03,
}
SUPPLY: dict[str, float] = {
    "ar": 0.30,
    "uk": 0.18,
    "prs": 0.07,
    "fa": 0.04,
    "tr": 0.14,
    "ru": 0.16,
    "ps": 0.04,
    "kmr": 0.06,
    "ti": 0.015,
    "so": 0.015,
    "ur": 0.015,
    "sq": 0.04,
    "ro": 0.05,
    "bg": 0.04,
}
TOPICS = ["health", "child_welfare", "residence", "social_benefits", "education", "labour", "other"]
DEFAULT_MONDAY = date(2026, 10, 19)  # the week of 19-23 and 26-30 Oct 2026 spans the DST end


def _iso(day: date, minutes: int) -> str:
    """Wall-clock time in Berlin as ISO 8601 with the offset valid on that day."""
    local = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=BERLIN)
    return local.isoformat()


def _jitter(rng: random.Random, lat: float, lon: float, km: float) -> dict[str, float]:
    d = rng.uniform(0, km)
    a = rng.uniform(0, 2 * math.pi)
    return {
        "lat": round(lat + d * math.cos(a) / 111.2, 5),
        "lon": round(lon + d * math.sin(a) / (111.2 * math.cos(math.radians(lat))), 5),
    }


def _pick(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), weights=list(table.values()))[0]


def weekdays(monday: date, n_days: int) -> list[date]:
    """The first ``n_days`` weekdays from ``monday`` on."""
    out: list[date] = []
    day = monday
    while len(out) < n_days:
        if day.weekday() < 5:
            out.append(day)
        day += timedelta(days=1)
    return out


def generate(
    *,
    seed: int,
    n_requests: int,
    n_interpreters: int,
    counties: list[str] | None = None,
    days: int = 5,
    monday: date = DEFAULT_MONDAY,
    gap_minutes: int = 30,
    supply: dict[str, float] | None = None,
    demand: dict[str, float] | None = None,
    availability_rate: float = 0.55,
    windows_per_day: int = 1,
    busy_rate: float = 0.15,
    remote_share: float | None = None,
    excluded_rate: float = 0.0,
) -> dict[str, Any]:
    """A realistic instance document (a dict in the contract's JSON shape).

    The defaults give the benchmark's own families; the shape parameters vary them (the
    defaults draw exactly the same random numbers as before they existed, so the
    benchmark's instances stay the same):

    :param windows_per_day: availability windows per available day; above 1 the day is
        cut into that many shorter windows with breaks in between (split weekly slots).
    :param busy_rate: chance of a one-hour busy interval in each window.
    :param remote_share: share of phone/video requests (default 25 %), and interpreters
        offering phone and video more often as it grows.
    :param excluded_rate: chance that a request excludes one or two speakers of its
        language (the ``excluded_interpreters`` extension: declined or expired offers).
    """
    rng = random.Random(seed)
    names = counties or list(COUNTIES)
    supply = supply or SUPPLY
    demand = demand or DEMAND
    day_list = weekdays(monday + timedelta(days=2), days)  # Wed..: crosses the weekend + DST
    interpreters: list[dict[str, Any]] = []
    per_language: dict[str, list[str]] = {}
    for k in range(n_interpreters):
        county = names[k % len(names)]
        _, lat, lon = rng.choice(COUNTIES[county])
        langs = {_pick(rng, supply): rng.choice(["B2", "C1", "C2", "native", "native"])}
        if rng.random() < 0.35:
            langs.setdefault(_pick(rng, supply), rng.choice(["B1", "B2", "C1"]))
        remote_boost = 0.0 if remote_share is None else max(0.0, remote_share - 0.25)
        modes = ["in_person"] if rng.random() < 0.92 else []
        if rng.random() < 0.55 + remote_boost:
            modes.append("phone")
        if rng.random() < 0.4 + remote_boost:
            modes.append("video")
        if not modes:
            modes = ["phone"]
        availability, busy = [], []
        for day in day_list:
            if rng.random() < availability_rate:
                lo = rng.choice([7 * 60 + 30, 8 * 60, 9 * 60, 12 * 60])
                hi = min(18 * 60, lo + rng.choice([240, 300, 420, 480]))
                for w_lo, w_hi in _split(rng, lo, hi, windows_per_day):
                    availability.append({"start": _iso(day, w_lo), "end": _iso(day, w_hi)})
                    if rng.random() < busy_rate and w_hi - w_lo > 60:
                        b = rng.randrange(w_lo, w_hi - 60, 30)
                        busy.append({"start": _iso(day, b), "end": _iso(day, b + 60)})
        ident = f"i-{k:05d}"
        interpreters.append(
            {
                "id": ident,
                "languages": langs,
                "gender": rng.choices(["f", "m", "d", None], weights=[58, 38, 2, 2])[0],
                "home": _jitter(rng, lat, lon, 8.0),
                "max_travel_km": rng.choice([15, 20, 25, 30, 40, 50]),
                "modes": modes,
                "availability": availability,
                "busy": busy,
                "hours_last_30_days": round(rng.uniform(0, 40), 1),
                "excluded_clients": [f"K-{rng.randrange(4000):04d}"] if rng.random() < 0.05 else [],
                "child_clearance": rng.random() < 0.5,
                "declined_topics": [rng.choice(TOPICS)] if rng.random() < 0.1 else [],
            }
        )
        for code in langs:
            per_language.setdefault(code, []).append(ident)
    requests: list[dict[str, Any]] = []
    for k in range(n_requests):
        county = names[k % len(names)]
        _, lat, lon = rng.choice(COUNTIES[county])
        day = rng.choice(day_list)
        start = rng.choice(range(8 * 60, 16 * 60, 30)) + rng.choice([0, 0, 0, 15])
        length = rng.choice([30, 45, 60, 60, 60, 90, 120])
        mode_weights: list[float] = [75, 15, 10]
        if remote_share is not None:
            mode_weights = [100 * (1 - remote_share), 60 * remote_share, 40 * remote_share]
        mode = rng.choices(["in_person", "phone", "video"], weights=mode_weights)[0]
        language = _pick(rng, demand)
        speakers = per_language.get(language, [])
        req: dict[str, Any] = {
            "id": f"r-{k:05d}",
            "language": language,
            "min_level": rng.choice(["B1", "B1", "B2", "C1"]),
            "start": _iso(day, start),
            "end": _iso(day, start + length),
            "mode": mode,
            "gender_preference": "f" if rng.random() < 0.08 else None,
            "client_ref": f"K-{rng.randrange(4000):04d}",
            "previous_interpreter": rng.choice(speakers)
            if speakers and rng.random() < 0.2
            else None,
            "priority": rng.choices(["normal", "urgent", "critical"], weights=[80, 15, 5])[0],
            "topic": rng.choice(TOPICS),
            "minors_involved": rng.random() < 0.15,
        }
        if mode == "in_person":
            req["location"] = _jitter(rng, lat, lon, 4.0)
        requests.append(req)
    if excluded_rate > 0:
        declined = random.Random(seed * 7919 + 17)  # its own stream: the rest stays the same
        for req in requests:
            speakers = per_language.get(req["language"], [])
            if speakers and declined.random() < excluded_rate:
                req["excluded_interpreters"] = declined.sample(speakers, min(2, len(speakers)))
    return {
        "format": "wir-matching/1",
        "gap_minutes": gap_minutes,
        "interpreters": interpreters,
        "requests": requests,
    }


def _split(rng: random.Random, lo: int, hi: int, parts: int) -> list[tuple[int, int]]:
    """``[lo, hi)`` (minutes) as ``parts`` windows with 30-minute breaks, on the half hour.

    One part is the window itself and draws nothing, so the default instances are unchanged.
    """
    if parts <= 1:
        return [(lo, hi)]
    length = (hi - lo - 30 * (parts - 1)) // parts
    if length < 60:
        return [(lo, hi)]
    out, at = [], lo
    for _ in range(parts):
        end = at + max(60, length - rng.choice([0, 0, 30]))
        out.append((at, min(end, hi)))
        at = end + 30
        if at + 60 > hi:
            break
    return out


def adversarial(*, seed: int, n_requests: int = 120, n_interpreters: int = 6) -> dict[str, Any]:
    """Many overlapping requests for one scarce language (Tigrinya) in one county morning."""
    rng = random.Random(seed)
    county = "Wetteraukreis"
    day = weekdays(DEFAULT_MONDAY, 1)[0]
    interpreters = []
    for k in range(n_interpreters):
        _, lat, lon = rng.choice(COUNTIES[county])
        interpreters.append(
            {
                "id": f"i-ti-{k:02d}",
                "languages": {"ti": "native", "ar": "B2"},
                "gender": rng.choice(["f", "m"]),
                "home": _jitter(rng, lat, lon, 6.0),
                "max_travel_km": rng.choice([20, 30, 40]),
                "modes": ["in_person", "phone"] if k % 2 else ["in_person"],
                "availability": [{"start": _iso(day, 8 * 60), "end": _iso(day, 14 * 60)}],
                "busy": [{"start": _iso(day, 10 * 60), "end": _iso(day, 10 * 60 + 30)}]
                if k % 3 == 0
                else [],
                "hours_last_30_days": float(k),
                "child_clearance": k % 2 == 0,
            }
        )
    requests = []
    for k in range(n_requests):
        _, lat, lon = rng.choice(COUNTIES[county])
        start = 8 * 60 + rng.randrange(0, 300, 15)
        length = rng.choice([30, 45, 60, 90])
        mode = rng.choices(["in_person", "phone"], weights=[80, 20])[0]
        req: dict[str, Any] = {
            "id": f"r-ti-{k:03d}",
            "language": "ti",
            "start": _iso(day, start),
            "end": _iso(day, min(start + length, 14 * 60)),
            "mode": mode,
            "priority": rng.choices(["normal", "urgent", "critical"], weights=[60, 30, 10])[0],
            "minors_involved": rng.random() < 0.2,
        }
        if mode == "in_person":
            req["location"] = _jitter(rng, lat, lon, 5.0)
        requests.append(req)
    return {
        "format": "wir-matching/1",
        "gap_minutes": 15,
        "interpreters": interpreters,
        "requests": requests,
    }
