"""scikit-learn's linear model and histogram gradient boosting, fitted and scored on a split.

Both read the same columns: numbers (booleans as 1/0), categories, dates as their elapsed
days, month, weekday and hour, and free text as a bag of its 1,000 most frequent words (as
kerasmap's `text` columns are).
"""

import time

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, RidgeCV
from sklearn.metrics import accuracy_score, r2_score, roc_auc_score
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from table import SPLIT_SEED, Table

MAX_NATIVE_CATEGORIES = 255  # HistGradientBoosting's limit; more levels stay ordinal codes


def features(rows: pd.DataFrame, table: Table) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """The feature columns ready for scikit-learn, and their names by role (`numbers`,
    `categories`, `text`)."""
    columns, roles = {}, {"numbers": [], "categories": [], "text": []}
    for name, values in rows.drop(columns=table.target).items():
        if name in table.text_columns:
            columns[name], role = values.fillna("").astype(str), "text"
        elif pd.api.types.is_datetime64_any_dtype(values):
            parts = _date_parts(values)
            columns |= parts
            roles["numbers"] += list(parts)
            continue
        elif pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            columns[name], role = values.astype(float), "numbers"
        else:
            columns[name], role = values.astype(object), "categories"
        roles[role].append(name)
    return pd.DataFrame(columns, index=rows.index), roles


def _date_parts(dates: pd.Series) -> dict[str, pd.Series]:
    """Days since 1970, month, weekday and hour, as numbers, named `<column>_<part>`."""
    parts = {"days": (dates - pd.Timestamp("1970-01-01")).dt.days, "month": dates.dt.month}
    parts |= {"weekday": dates.dt.day_of_week, "hour": dates.dt.hour}
    return {f"{dates.name}_{part}": numbers.astype(float) for part, numbers in parts.items()}


def _word_bags(text_columns: list[str]) -> list[tuple]:
    return [(f"words_{name}", CountVectorizer(max_features=1000), name) for name in text_columns]


def linear_model(roles: dict[str, list[str]], task: str) -> Pipeline:
    """Median imputation (with missing indicators) and scaling of numbers, one-hot categories;
    logistic regression for classification, `RidgeCV` for regression."""
    numbers = make_pipeline(SimpleImputer(strategy="median", add_indicator=True), StandardScaler())
    categories = make_pipeline(
        SimpleImputer(strategy="constant", fill_value="(missing)"),
        OneHotEncoder(handle_unknown="ignore"),
    )
    columns = ColumnTransformer(
        [("numbers", numbers, roles["numbers"]), ("categories", categories, roles["categories"])]
        + _word_bags(roles["text"])
    )
    estimator = RidgeCV() if task == "regression" else LogisticRegression(max_iter=2000)
    return make_pipeline(columns, estimator)


def boosting_model(roles: dict[str, list[str]], task: str, train: pd.DataFrame) -> Pipeline:
    """`HistGradientBoosting*` with its defaults: missing cells as they are, categories
    ordinal-encoded, and treated as categories when they have at most
    `MAX_NATIVE_CATEGORIES` levels."""
    levels = train[roles["categories"]].nunique()
    native = [
        i for i, name in enumerate(roles["categories"]) if levels[name] <= MAX_NATIVE_CATEGORIES
    ]
    encoder = OrdinalEncoder(
        handle_unknown="use_encoded_value", unknown_value=np.nan, encoded_missing_value=np.nan
    )
    columns = ColumnTransformer(
        [("categories", encoder, roles["categories"])]
        + _word_bags(roles["text"])
        + [("numbers", "passthrough", roles["numbers"])],
        sparse_threshold=0,
    )
    regression = task == "regression"
    boosting = HistGradientBoostingRegressor if regression else HistGradientBoostingClassifier
    # A fixed seed for its early-stopping split (used from 10,000 rows), for repeatable figures.
    estimator = boosting(categorical_features=native or None, random_state=SPLIT_SEED)
    return make_pipeline(columns, estimator)


def score(model: Pipeline, inputs: pd.DataFrame, targets: pd.Series, task: str) -> float:
    """Accuracy (multiclass), ROC AUC (binary) or R^2 (regression) on `inputs`."""
    if task == "regression":
        return float(r2_score(targets, model.predict(inputs)))
    if task == "binary":
        # The larger label is the positive class both for `predict_proba` and the AUC.
        return float(roc_auc_score(targets, model.predict_proba(inputs)[:, 1]))
    return float(accuracy_score(targets, model.predict(inputs)))


def fit_and_score(table: Table, train: pd.DataFrame, test: pd.DataFrame) -> dict[str, dict]:
    """Fits both models to `train` and scores them on `test`.

    Returns:
        `{"linear": {...}, "hgb": {...}}`, each with `score` and `fit_s` (fitting seconds,
        the preprocessing included).
    """
    train_inputs, roles = features(train, table)
    test_inputs, _ = features(test, table)
    models = {
        "linear": linear_model(roles, table.task),
        "hgb": boosting_model(roles, table.task, train_inputs),
    }
    results = {}
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(train_inputs, train[table.target])
        fit_seconds = time.perf_counter() - start
        figure = score(model, test_inputs, test[table.target], table.task)
        results[name] = {"score": figure, "fit_s": fit_seconds}
    return results
