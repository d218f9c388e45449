"""The data loaders the plugin registers, by name (``oi.data.load(name, path, ...)``).

- ``"image_folder"``: ``image_dataset_from_directory``, a folder of class subfolders as a Dataset;
- ``"idx"``: ``load_idx``, one IDX file (plain or gzip) as an array;
- ``"mnist_idx"``: ``mnist.load_split``, (images, labels) of a folder of MNIST IDX files
  (``split="test"``, the t10k files, by default; or "train").
"""

from oneiros_vision.data.idx import load_idx
from oneiros_vision.data.image_dataset import image_dataset_from_directory
from oneiros_vision.datasets.mnist import load_split

LOADERS = {
    "image_folder": image_dataset_from_directory,
    "idx": load_idx,
    "mnist_idx": load_split,
}
