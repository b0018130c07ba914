"""Fashion-MNIST as a plain PyTorch script would train it: tensors in memory, a loop, Adam.

python benchmarks/bench/bare_torch.py --family cnn --epochs 3 --data <folder>

The same architectures, split, batch size and learning rate as kerasmap's defaults; PyTorch's
own weight initialisation. Each epoch trains, then computes the validation accuracy.
"""

import time

import torch
from torch import nn

from fashion_data import load_splits
from script_arguments import parse_script_arguments, print_result


class EncoderBlock(nn.Module):
    """Post-norm transformer block as in kerasmap's attention model (no dropout on weights)."""

    def __init__(self, width: int = 64, heads: int = 4, ff_width: int = 128, dropout=0.1):
        super().__init__()
        self.attention = nn.MultiheadAttention(width, heads, batch_first=True)
        self.norm1 = nn.LayerNorm(width, eps=1e-6)
        self.feed = nn.Sequential(nn.Linear(width, ff_width), nn.ReLU(), nn.Linear(ff_width, width))
        self.norm2 = nn.LayerNorm(width, eps=1e-6)
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        attended, _ = self.attention(x, x, x, need_weights=False)
        x = self.norm1(x + self.dropout(attended))
        return self.norm2(x + self.dropout(self.feed(x)))


class Attention(nn.Module):
    """Image rows as 28 tokens of width 64, learned positions, two blocks, average pooling."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Linear(28, 64)
        self.positions = nn.Parameter(torch.zeros(28, 64).uniform_(-0.2, 0.2))
        self.blocks = nn.Sequential(EncoderBlock(), EncoderBlock())
        self.head = nn.Sequential(nn.Dropout(0.1), nn.Linear(64, 10))

    def forward(self, images):
        x = self.blocks(self.embed(images.reshape(-1, 28, 28)) + self.positions)
        return self.head(x.mean(dim=1))


class Recurrent(nn.Module):
    """Image rows as 28 time steps of an LSTM(128); its last output feeds the head."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(28, 128, batch_first=True)
        self.head = nn.Linear(128, 10)

    def forward(self, images):
        outputs, _ = self.lstm(images.reshape(-1, 28, 28))
        return self.head(outputs[:, -1])


def make_model(family: str) -> nn.Module:
    """kerasmap's default model of `family`, giving logits (the loss applies the softmax)."""
    if family == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))
    if family == "cnn":
        return nn.Sequential(
            *conv_block(1, 32),
            *conv_block(32, 64),
            nn.Flatten(),
            nn.Linear(64 * 7 * 7, 128),
            nn.ReLU(),
            nn.Dropout(0.25),
            nn.Linear(128, 10),
        )
    return Recurrent() if family == "lstm" else Attention()


def conv_block(in_channels: int, filters: int) -> list[nn.Module]:
    conv = nn.Conv2d(in_channels, filters, 3, padding="same")
    return [conv, nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25)]


def accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch_size: int):
    model.eval()
    with torch.no_grad():
        right = sum(
            (model(images[i : i + batch_size]).argmax(1) == labels[i : i + batch_size]).sum()
            for i in range(0, len(labels), batch_size)
        )
    return float(right) / len(labels)


def train_epoch(model, optimizer, images, labels, batch_size: int) -> None:
    model.train()
    loss_function = nn.CrossEntropyLoss()
    order = torch.randperm(len(labels))
    for i in range(0, len(labels), batch_size):
        batch = order[i : i + batch_size]
        optimizer.zero_grad()
        loss_function(model(images[batch]), labels[batch]).backward()
        optimizer.step()


def main() -> None:
    arguments = parse_script_arguments(__doc__.splitlines()[0])
    torch.manual_seed(arguments.seed)
    data = load_splits(arguments.data, arguments.limit, seed=arguments.seed)
    # PyTorch convolutions take channels first.
    data = {name: torch.from_numpy(values) for name, values in data.items()}
    for split in ("x_train", "x_val", "x_test"):
        data[split] = data[split].permute(0, 3, 1, 2).contiguous()
    model = make_model(arguments.family)
    optimizer = torch.optim.Adam(model.parameters(), lr=arguments.learning_rate)
    epochs, num_train = [], len(data["y_train"])
    for _ in range(arguments.epochs):
        start, clock = time.time(), time.perf_counter()
        train_epoch(model, optimizer, data["x_train"], data["y_train"], arguments.batch_size)
        train_seconds = time.perf_counter() - clock
        val_accuracy = accuracy(model, data["x_val"], data["y_val"], arguments.batch_size)
        seconds = time.perf_counter() - clock
        epochs.append(
            {
                "start": start,
                "seconds": seconds,
                "samples_per_second": num_train / train_seconds,
                "val_accuracy": val_accuracy,
            }
        )
        print(f"epoch {len(epochs)}: {seconds:.1f} s, val_accuracy {val_accuracy:.4f}", flush=True)
    test_accuracy = accuracy(model, data["x_test"], data["y_test"], arguments.batch_size)
    print_result(epochs, test_accuracy, num_train)


if __name__ == "__main__":
    main()
