"""Image files to uint8 arrays: each file's size and mode, the shape they are read at, decoding.

An image folder is decoded once per run, here, into one array (or, when it would not fit in
memory, a file the run owns: `kerasmap.data.rows_on_disk`); training reads that array, never
the files again.
"""

import logging
import statistics
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

log = logging.getLogger(__name__)
CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}
PIL_MODES = {"grayscale": "L", "rgb": "RGB", "rgba": "RGBA"}
# PIL modes of one channel of colour (an alpha channel, as in "LA", carries none).
SINGLE_CHANNEL_MODES = frozenset({"1", "L", "LA", "La", "I", "I;16", "I;16B", "I;16L", "F"})
# Inferred sizes are scaled down to this longer side, so a folder of photos trains in
# minutes on a CPU; `data.image_size` reads them larger.
MAX_INFERRED_SIDE = 128
RESIZE_CHUNK = 256  # images resized in one call of the model's Resizing layer


@dataclass(frozen=True)
class ImageHeader:
    """What a file's header says, read without decoding its pixels."""

    file: Path
    size: tuple[int, int]  # (height, width)
    mode: str


@dataclass(frozen=True)
class ImageShape:
    """The size and colour mode images are read at, and why."""

    size: tuple[int, int]
    color_mode: str
    reason: str


def read_headers(files: list[Path]) -> list[ImageHeader]:
    """The header of each readable image; a file that is not one is left out with a warning."""
    headers = []
    for file in files:
        try:
            with Image.open(file) as image:
                headers.append(ImageHeader(file, (image.height, image.width), image.mode))
        except OSError as error:  # PIL's error for a file that is not a readable image
            _leave_out(file, error)
    return headers


def _leave_out(file: Path, error: Exception) -> None:
    log.warning("Leaving out %s: it is not a readable image (%s).", file, type(error).__name__)


def infer_image_shape(
    headers: list[ImageHeader], image_size: list[int] | None, color_mode: str
) -> ImageShape:
    """The shape to read images at: what was asked for, else what the images themselves have.

    Size: the one size every image has, or, for mixed sizes, the median height and width;
    either scaled down (aspect kept) so the longer side is at most `MAX_INFERRED_SIDE`.
    Colour: grayscale when every image has a single channel of colour, else RGB.
    """
    size_reason, mode_reason = "as data.image_size asks", "as data.color_mode asks"
    if image_size is None:
        image_size, size_reason = _inferred_size(headers)
    if color_mode == "auto":
        single = all(header.mode in SINGLE_CHANNEL_MODES for header in headers)
        color_mode = "grayscale" if single else "rgb"
        mode_reason = "every image is single-channel" if single else "some images have colour"
    return ImageShape(tuple(image_size), color_mode, f"{size_reason}; {mode_reason}")


def _inferred_size(headers: list[ImageHeader]) -> tuple[tuple[int, int], str]:
    sizes = {header.size for header in headers}
    if len(sizes) == 1:
        (size,) = sizes
        reason = f"every image is {size[0]}x{size[1]}"
    else:
        size = (
            round(statistics.median(header.size[0] for header in headers)),
            round(statistics.median(header.size[1] for header in headers)),
        )
        reason = f"{len(sizes)} sizes among the images, median {size[0]}x{size[1]}"
    scale = MAX_INFERRED_SIDE / max(size)
    if scale < 1:
        size = (max(1, round(size[0] * scale)), max(1, round(size[1] * scale)))
        reason += f", scaled to {MAX_INFERRED_SIDE} pixels on the longer side"
    return size, reason


def read_images(files: list[Path], shape: ImageShape) -> tuple[np.ndarray, list[Path]]:
    """The readable images among `files`, decoded at `shape`, and their files."""
    headers = read_headers(files)
    pixels = np.empty((len(headers), *shape.size, CHANNELS[shape.color_mode]), np.uint8)
    decoded = decode_images(headers, shape, pixels)
    return pixels[: len(decoded)], [header.file for header in decoded]


def decode_images(
    headers: list[ImageHeader], shape: ImageShape, into: np.ndarray
) -> list[ImageHeader]:
    """Decodes the images into `into`, in order, at `shape`, resized as the logged model resizes.

    Images already at `shape.size` are copied as decoded (the model's bilinear resize leaves
    them unchanged); the others are resized in chunks of one source size by the same
    `keras.layers.Resizing` the model starts with, so training sees exactly what it will.

    Returns:
        The headers of the images decoded, whose pixels fill `into[: len(returned)]`; an image
        whose pixels cannot be decoded is left out with a warning.
    """
    decoded, waiting = [], {}
    for header in headers:
        pixels = _decoded(header.file, shape.color_mode)
        if pixels is None:
            continue
        row = len(decoded)
        decoded.append(header)
        if pixels.shape[:2] == shape.size:
            into[row] = pixels
            continue
        pending = waiting.setdefault(pixels.shape[:2], [])
        pending.append((row, pixels))
        if len(pending) == RESIZE_CHUNK:
            _resize_into(into, waiting.pop(pixels.shape[:2]), shape.size)
    for pending in waiting.values():
        _resize_into(into, pending, shape.size)
    return decoded


def _decoded(file: Path, color_mode: str) -> np.ndarray | None:
    try:
        with Image.open(file) as image:
            pixels = np.asarray(image.convert(PIL_MODES[color_mode]))
    except OSError as error:  # PIL's error for a file that is not a readable image
        _leave_out(file, error)
        return None
    return pixels.reshape(*pixels.shape[:2], CHANNELS[color_mode])


def _resize_into(into: np.ndarray, pending: list[tuple[int, np.ndarray]], size) -> None:
    import keras

    rows = [row for row, _ in pending]
    batch = np.stack([pixels for _, pixels in pending]).astype(np.float32)
    resized = keras.ops.convert_to_numpy(keras.layers.Resizing(*size)(batch))
    into[rows] = np.clip(np.rint(resized), 0, 255).astype(np.uint8)
