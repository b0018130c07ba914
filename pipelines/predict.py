"""Predict with a logged model: a table, images, texts or the run's test split, as CSV.

    python pipelines/predict.py <run id> input=homes.csv                # -> outputs/predictions/
    python pipelines/predict.py models:/homes@champion input=new.csv output=scored.csv
    python pipelines/predict.py <run id> input=test log=true            # and record it in MLflow

The logged model carries its preprocessing and class names: the input is read as the
training data was (a table's columns, image files, one document per line or .txt files).
"""

import sys

from kerasmap.reports.predict import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
