"""Four generated tables with what real ones have: dates, missing cells, many-level categories,
free text and size. Each is drawn with its own fixed seed, so every run gets the same rows.
"""

import numpy as np
import pandas as pd

from table import Table

HOLIDAYS = pd.to_datetime(
    [f"{year}-{day}" for year in (2022, 2023) for day in ("01-01", "05-01", "12-25", "12-26")]
    + ["2022-04-18", "2022-05-30", "2022-08-29", "2023-04-10", "2023-05-29", "2023-08-28"]
)


def _sigmoid(logit: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-logit))


def _blank(rng: np.random.Generator, column: pd.Series, share: float) -> pd.Series:
    """`column` with about `share` of its cells left empty, at random."""
    return column.mask(rng.random(len(column)) < share)


def bike_hires() -> Table:
    """Hourly bike hires over two years (8,000 of the hours): commuter peaks on working days,
    an afternoon hump on weekends and holidays, fewer in cold, rain and wind. Regression."""
    rng, n = np.random.default_rng(1), 8000
    hours = pd.date_range("2022-01-01", "2023-12-31 23:00", freq="h")
    when = pd.DatetimeIndex(np.sort(rng.choice(hours, n, replace=False)))
    hour, season = when.hour.to_numpy(), -np.cos(2 * np.pi * (when.day_of_year - 15) / 365)
    temperature = 11 + 9 * season + 4 * np.sin(2 * np.pi * (hour - 9) / 24) + rng.normal(0, 3, n)
    rain = np.where(rng.random(n) < 0.12, rng.exponential(1.5, n), 0.0)
    wind = rng.gamma(2.0, 6.0, n)
    holiday = when.normalize().isin(HOLIDAYS)
    commute = 3 * np.exp(-((hour - 8) ** 2) / 2) + 3.5 * np.exp(-((hour - 17.5) ** 2) / 3)
    leisure = 2.2 * np.exp(-((hour - 14) ** 2) / 12)
    working = (when.day_of_week < 5) & ~holiday
    profile = np.where(working, commute + 0.6 * np.exp(-((hour - 13) ** 2) / 8), leisure) + 0.05
    weather = np.exp(-((temperature - 22) ** 2) / 200 - 0.35 * rain - 0.012 * wind)
    growth = np.where(when.year == 2023, 1.25, 1.0)
    frame = pd.DataFrame(
        {
            "timestamp": when,
            "temperature": temperature.round(1),
            "humidity": np.clip(
                70 - 1.2 * (temperature - 11) + rng.normal(0, 12, n), 15, 100
            ).round(),
            "wind_speed": wind.round(1),
            "rain_mm": rain.round(1),
            "holiday": holiday,
            "hires": rng.poisson(120 * profile * weather * growth),
        }
    )
    return Table("bike_hires", frame, target="hires", task="regression")


def customers() -> Table:
    """Customers who left or stayed: 300 towns of Zipf-like sizes, each with its own pull,
    and cells missing from numbers and categories alike. Binary classification."""
    rng, n = np.random.default_rng(2), 5000
    starts = ["Ash", "Brook", "Clay", "Dun", "Elm", "Fair", "Glen", "Hale", "Iron", "Kings"]
    starts += ["Lang", "Mill", "North", "Oak", "Pen", "Red", "Stan", "Thorn", "West", "York"]
    ends = ["bury", "by", "field", "ford", "gate", "ham", "hill", "ley", "mouth", "port"]
    ends += ["stead", "stow", "ton", "well", "wick"]
    towns = np.array([start + end for start in starts for end in ends])  # 300 towns
    sizes = 1 / np.arange(1, len(towns) + 1) ** 0.8
    town = rng.choice(len(towns), n, p=sizes / sizes.sum())
    plan = rng.choice(["basic", "standard", "premium"], n, p=[0.5, 0.35, 0.15])
    payment = rng.choice(["card", "direct debit", "paypal", "invoice"], n, p=[0.4, 0.3, 0.2, 0.1])
    age = rng.normal(42, 13, n).clip(18, 85).round()
    tenure = rng.exponential(24, n).round()
    base_spend = pd.Series(plan).map({"basic": 15, "standard": 35, "premium": 70}).to_numpy()
    spend = (base_spend * rng.lognormal(0, 0.25, n)).round(2)
    calls = rng.poisson(np.where(plan == "basic", 2.0, 1.2))
    logit = -1.0 - 0.04 * tenure + 0.35 * calls + 0.6 * (payment == "invoice")
    logit += -0.7 * (plan == "premium") - 0.015 * (age - 42) + rng.normal(0, 0.5, 300)[town]
    columns = {"age": age, "tenure_months": tenure, "monthly_spend": spend}
    columns |= {"support_calls": calls, "plan": plan, "payment_method": payment}
    frame = pd.DataFrame(columns | {"town": towns[town]})
    for column, share in {"age": 0.1, "monthly_spend": 0.05, "plan": 0.03}.items():
        frame[column] = _blank(rng, frame[column], share)
    for column, share in {"payment_method": 0.08, "town": 0.04}.items():
        frame[column] = _blank(rng, frame[column], share)
    frame["churned"] = np.where(rng.random(n) < _sigmoid(logit), "yes", "no")
    return Table("customers", frame, target="churned", task="binary")


def listings() -> Table:
    """Monthly rents of flats, with a few words of description of which some move the price
    (sea view, renovated, basement). Regression."""
    rng, n = np.random.default_rng(3), 3000
    pulls = {"sea": 0.15, "view": 0.08, "renovated": 0.12, "garden": 0.08, "penthouse": 0.25}
    pulls |= {"balcony": 0.05, "basement": -0.15, "noisy": -0.08, "needs": -0.06, "work": -0.04}
    plain = "bright spacious cosy modern flat apartment home close to station shops quiet street "
    plain += "family ideal charming lovely kitchen new large open plan living room parking lift"
    vocabulary = np.array(list(pulls) + plain.split())
    words = [rng.choice(vocabulary, rng.integers(3, 9), replace=False) for _ in range(n)]
    text_pull = np.array([sum(pulls.get(word, 0.0) for word in row) for row in words])
    areas = ["Harbour", "Old Town", "Riverside", "Station", "Park", "Docks", "Hillside"]
    areas += ["University", "Market", "Canal", "North End", "Westfield"]
    area = rng.integers(0, len(areas), n)
    bedrooms = rng.choice([1, 2, 3, 4, 5], n, p=[0.3, 0.35, 0.2, 0.1, 0.05])
    size = np.clip(25 + 22 * bedrooms + rng.normal(0, 12, n), 18, None).round()
    floor = rng.integers(0, 12, n)
    log_rent = 4.0 + 0.85 * np.log(size) + rng.normal(0, 0.25, len(areas))[area] + 0.02 * floor
    log_rent += text_pull + rng.normal(0, 0.18, n)
    frame = pd.DataFrame(
        {
            "description": [" ".join(row) for row in words],
            "area": np.array(areas)[area],
            "bedrooms": bedrooms,
            "size_m2": size,
            "floor": floor,
            "rent": np.exp(log_rent).round(),
        }
    )
    return Table("listings", frame, target="rent", task="regression", text_columns=("description",))


def census() -> Table:
    """Adults earning above or below a threshold (50,000 rows): education, occupation,
    marriage, hours and capital gains, with unknown cells as in survey data. Binary."""
    rng, n = np.random.default_rng(4), 50_000
    education = ["primary", "some-secondary", "secondary", "some-college", "vocational"]
    education += ["bachelors", "masters", "doctorate"]
    schooling = rng.choice(8, n, p=[0.04, 0.08, 0.32, 0.22, 0.08, 0.17, 0.07, 0.02])
    occupations = ["admin", "craft", "exec", "farming", "handlers", "machine-op", "other"]
    occupations += ["professional", "protective", "sales", "service", "tech", "transport"]
    occupation = rng.integers(0, len(occupations), n)
    workclasses = ["private", "self-employed", "government", "unpaid"]
    work = rng.choice(workclasses, n, p=[0.7, 0.12, 0.17, 0.01])
    statuses = ["married", "never-married", "divorced", "separated", "widowed"]
    marital = rng.choice(statuses, n, p=[0.46, 0.33, 0.14, 0.04, 0.03])
    sex = rng.choice(["female", "male"], n, p=[0.33, 0.67])
    age = np.clip(17 + rng.gamma(4, 5.5, n), 17, 90).round()
    hours = np.clip(rng.normal(40, 11, n), 1, 99).round()
    gains = np.where(rng.random(n) < 0.08, rng.lognormal(8, 1.2, n), 0.0).round()
    logit = -2.6 + 0.7 * (schooling - 3) + rng.normal(0, 0.8, len(occupations))[occupation]
    logit += 2.0 * (marital == "married") + 0.4 * (sex == "male") + 0.05 * (hours - 40)
    logit += -0.003 * (age - 46) ** 2 + 2.5 * (gains > 5000) - 1.0 * (work == "unpaid")
    frame = pd.DataFrame(
        {
            "age": age,
            "workclass": work,
            "education": np.array(education)[schooling],
            "marital_status": marital,
            "occupation": np.array(occupations)[occupation],
            "sex": sex,
            "hours_per_week": hours,
            "capital_gain": gains,
        }
    )
    for column in ("workclass", "occupation"):
        frame[column] = _blank(rng, frame[column], 0.05)
    frame["income"] = np.where(rng.random(n) < _sigmoid(logit), ">50K", "<=50K")
    return Table("census", frame, target="income", task="binary")


GENERATED = {"bike_hires": bike_hires, "customers": customers, "listings": listings}
GENERATED |= {"census": census}
