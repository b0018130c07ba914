"""Train one model, tracked in MLflow: prepare data -> build -> fit -> evaluate.

python pipelines/train.py                                   # MLP on Fashion-MNIST
python pipelines/train.py model=cnn data=cifar10 trainer.epochs=3
python pipelines/train.py experiment=mnist_cnn
python pipelines/train.py -m model.dropout=0.1,0.3           # a sweep
python pipelines/train.py --help                             # options and config groups
"""

import hydra
from omegaconf import DictConfig

from kerasmap import cli
from kerasmap.run import run_job


@hydra.main(version_base="1.3", config_path="../conf", config_name="config")
def main(cfg: DictConfig) -> float:
    with cli.user_errors_exit():
        return run_job(cfg)


if __name__ == "__main__":
    cli.start(main, "config")
