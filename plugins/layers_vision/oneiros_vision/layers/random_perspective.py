"""RandomPerspective: moves image corners randomly and warps the image to follow them."""

from __future__ import annotations

from typing import Any

from oneiros import arguments, ops

from oneiros_vision.layers import _affine, _arguments, _color, _images
from oneiros_vision.layers._augment_arguments import bounded_range, probability
from oneiros_vision.layers._base_random_image import BaseRandomImageLayer, draw_uniform

Matrix = list[list[Any]]


def _square_to_quad(corners: list[tuple[Any, Any]]) -> Matrix:
    """The projective map taking the unit square's corners (0, 0), (1, 0), (1, 1), (0, 1) to
    ``corners`` (each an (x, y) pair of per-image tensors), in closed form (Heckbert, 1989)."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
    dx1, dy1 = ops.subtract(x1, x2), ops.subtract(y1, y2)
    dx2, dy2 = ops.subtract(x3, x2), ops.subtract(y3, y2)
    dx3 = ops.add(ops.subtract(x0, x1), ops.subtract(x2, x3))
    dy3 = ops.add(ops.subtract(y0, y1), ops.subtract(y2, y3))

    def cross(a: Any, b: Any, c: Any, d: Any) -> Any:
        return ops.subtract(ops.multiply(a, b), ops.multiply(c, d))

    determinant = cross(dx1, dy2, dx2, dy1)
    g = ops.divide(cross(dx3, dy2, dx2, dy3), determinant)
    h = ops.divide(cross(dx1, dy3, dx3, dy1), determinant)
    return [[ops.add(ops.subtract(x1, x0), ops.multiply(g, x1)), ops.add(ops.subtract(x3, x0), ops.multiply(h, x3)), x0],
            [ops.add(ops.subtract(y1, y0), ops.multiply(g, y1)), ops.add(ops.subtract(y3, y0), ops.multiply(h, y3)), y0],
            [g, h, ops.ones_like(g)]]


def _adjugate(m: Matrix) -> Matrix:
    """The inverse up to a scale, which a projective map does not see."""
    def minor(r0: int, c0: int, r1: int, c1: int) -> Any:
        return ops.subtract(ops.multiply(m[r0][c0], m[r1][c1]), ops.multiply(m[r0][c1], m[r1][c0]))

    return [[minor(1, 1, 2, 2), minor(0, 2, 2, 1), minor(0, 1, 1, 2)],
            [minor(1, 2, 2, 0), minor(0, 0, 2, 2), minor(0, 2, 1, 0)],
            [minor(1, 0, 2, 1), minor(0, 1, 2, 0), minor(0, 0, 1, 1)]]


def _product(a: Matrix, b: Matrix) -> Matrix:
    return [[ops.add(ops.add(ops.multiply(a[i][0], b[0][j]), ops.multiply(a[i][1], b[1][j])),
                     ops.multiply(a[i][2], b[2][j])) for j in range(3)] for i in range(3)]


def perspective_transform(images: Any, start_points: Any, end_points: Any, interpolation: str = "bilinear",
                          fill_value: float = 0.0, data_format: str = "channels_last") -> Any:
    """Keras's ``ops.image.perspective_transform``: ``images`` (batch, H, W, C) warped so that
    output pixels at ``end_points`` show the input at ``start_points``; points (batch, 4, 2) as
    (x, y) of the top-left, top-right, bottom-left and bottom-right corners. Pixels mapped from
    outside the image get ``fill_value``."""
    def corners(points: Any) -> list[tuple[Any, Any]]:
        x, y = (ops.squeeze(part, 2) for part in ops.split(ops.cast(points, "float32"), 2, axis=2))
        xs, ys = ([ops.squeeze(part, 1) for part in ops.split(coordinate, 4, axis=1)] for coordinate in (x, y))
        # The unit square's corners run round: top-left, top-right, bottom-right, bottom-left.
        return [(xs[0], ys[0]), (xs[1], ys[1]), (xs[3], ys[3]), (xs[2], ys[2])]

    homography = _product(_square_to_quad(corners(start_points)), _adjugate(_square_to_quad(corners(end_points))))
    height, width = _images.height_width(tuple(ops.shape(images)), data_format)
    rows, columns = _affine.pixel_grid(height, width)

    def projected(row: list[Any]) -> Any:
        return ops.add(ops.add(ops.multiply(ops.expand_dims(row[0], 1), columns),
                               ops.multiply(ops.expand_dims(row[1], 1), rows)), ops.expand_dims(row[2], 1))

    depth = projected(homography[2])
    return _affine.warp(images, ops.divide(projected(homography[0]), depth), ops.divide(projected(homography[1]), depth),
                        interpolation, "constant", fill_value, data_format)


class RandomPerspective(BaseRandomImageLayer):
    """While training, moves each chosen image's corners by up to ``scale / 2`` times their own
    coordinates (the top-left corner (0, 0) stays, as in Keras) and warps the image so that the
    moved corners show the original ones, bilinearly or by ``interpolation="nearest"``; uncovered
    pixels get ``fill_value``. An image is chosen with a probability drawn per image in [0, f]
    for a number ``factor`` f or in [lower, upper] for a pair. Outside training: the identity.

    Example::

        layer = oi.layers.RandomPerspective(factor=0.5, scale=0.3, seed=1)
        y = layer(images, training=True)
    """

    def __init__(self, factor: Any = 1.0, scale: float = 1.0, interpolation: str = "bilinear",
                 fill_value: float = 0.0, seed: int | None = None, data_format: str | None = None, **kwargs: Any):
        owner = type(self).__name__
        factor = bounded_range(owner, "factor", factor)
        scale = probability(owner, "scale", scale)
        interpolation = arguments.choice(owner, "interpolation", interpolation, _arguments.INTERPOLATIONS)
        fill_value = arguments.real(owner, "fill_value", fill_value)
        super().__init__(seed=seed, data_format=data_format, **kwargs)
        self.factor = factor
        self.scale = scale
        self.interpolation = interpolation
        self.fill_value = fill_value

    def augment(self, images: Any, seed: Any) -> Any:
        chance_key, corner_key = ops.split_seed(seed, 2)
        height, width = _images.height_width(tuple(ops.shape(images)), self.data_format)
        batch = ops.shape(images)[0]
        corners = ops.convert_to_tensor([[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1], [width - 1, height - 1]],
                                        "float32")
        start = ops.broadcast_to(ops.expand_dims(corners, 0), (batch, 4, 2))
        moves = draw_uniform((batch, 4, 2), -0.5 * self.scale, 0.5 * self.scale, corner_key)
        end = ops.add(start, ops.multiply(start, moves))
        warped = perspective_transform(images, start, end, self.interpolation, self.fill_value, self.data_format)
        return ops.where(_color.per_image(self.batch_chance(images, self.factor, chance_key)), warped, images)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "factor": list(self.factor), "scale": self.scale,
                "interpolation": self.interpolation, "fill_value": self.fill_value}
