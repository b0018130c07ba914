"""Export a model logged by `pipelines/train.py` for another runtime, with a parity check.

    python pipelines/export.py <run id> format=onnx                 # or saved_model, tflite
    python pipelines/export.py models:/<name>@champion format=tflite tolerance=1e-3

The exported model runs on the run's input example beside the Keras model; only if their
outputs agree within the tolerance is it logged into the run, under `export/<format>/`.
"""

import sys

from kerasmap.reports.export import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
