"""Image data: image files to arrays and back, image folders as Datasets, IDX files."""

from oneiros_vision.data.idx import IdxFormatError, load_idx
from oneiros_vision.data.image_dataset import ImageFolderDataset, image_dataset_from_directory
from oneiros.utils._images import array_to_img, img_to_array, load_img, save_img

__all__ = ["IdxFormatError", "ImageFolderDataset", "array_to_img", "image_dataset_from_directory",
           "img_to_array", "load_idx", "load_img", "save_img"]
