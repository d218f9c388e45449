"use strict";
// Draw a digit, see what an exported Oneiros model reads. The model folder (default model/, or
// ?model=PATH/) holds model.onnx and model.json as written by `python -m oneiros_onnx.web`.
// predictPixels() is the one path from gray pixels to the shown prediction: the drawing pad
// rasterises its strokes and hands them to it, and a test can call it with any image.

const MODEL_DIR = new URL(new URLSearchParams(location.search).get("model") || "model/", location.href);
const VENDOR_DIR = new URL("vendor/", location.href);
const STROKE_WIDTH = 20;
const INK_THRESHOLD = 8;

const pad = document.getElementById("pad");
const padContext = pad.getContext("2d", {willReadFrequently: true});
const seen = document.getElementById("seen");
const statusLine = document.getElementById("status");

async function loadModel() {
  const response = await fetch(new URL("model.json", MODEL_DIR));
  if (!response.ok) {
    throw new Error(`${MODEL_DIR}model.json: HTTP ${response.status}. Export a model there with ` +
                    "`python -m oneiros_onnx.web MODEL.oneiros DIR`.");
  }
  const manifest = await response.json();
  if (manifest.format !== "oneiros-web" || manifest.version !== 1) {
    throw new Error(`${MODEL_DIR}model.json is format ${manifest.format} version ${manifest.version}; ` +
                    "this page reads oneiros-web version 1.");
  }
  // Single-threaded WebAssembly needs no cross-origin isolation, so any static server will do.
  ort.env.wasm.wasmPaths = VENDOR_DIR.href;
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.proxy = false;
  const session = await ort.InferenceSession.create(new URL(manifest.model, MODEL_DIR).href,
                                                    {executionProviders: ["wasm"]});
  return {manifest, session};
}

const loaded = loadModel();

// model.json's preprocessing, exactly as the training applied it to 0-255 gray pixels.
function toInput(pixels, preprocessing) {
  const [height, width] = preprocessing.size;
  if (pixels.length !== height * width) {
    throw new Error(`predictPixels expects ${height}x${width} = ${height * width} gray pixels, row-major; ` +
                    `received ${pixels.length}.`);
  }
  const channels = preprocessing.channels;
  const input = new Float32Array(pixels.length * channels);
  for (let index = 0; index < pixels.length; index++) {
    const value = preprocessing.invert ? 255 - pixels[index] : pixels[index];
    input.fill(value * preprocessing.scale, index * channels, (index + 1) * channels);
  }
  return input;
}

function softmax(scores) {
  const top = Math.max(...scores);
  const exponentials = scores.map((score) => Math.exp(score - top));
  const total = exponentials.reduce((sum, value) => sum + value, 0);
  return exponentials.map((value) => value / total);
}

// onnxruntime-web runs one inference per session at a time: later calls wait their turn.
let queue = Promise.resolve();

function inTurn(task) {
  const result = queue.then(task);
  queue = result.catch(() => undefined);
  return result;
}

async function predictPixels(pixels) {
  const {manifest, session} = await loaded;
  const input = toInput(Array.from(pixels), manifest.preprocessing);
  const tensor = new ort.Tensor("float32", input, [1, ...manifest.input.shape]);
  const outputs = await inTurn(() => session.run({[manifest.input.name]: tensor}));
  const scores = Array.from(outputs[manifest.output.name].data);
  const probabilities = manifest.output.probabilities ? scores : softmax(scores);
  const classIndex = probabilities.indexOf(Math.max(...probabilities));
  const prediction = {classIndex, className: manifest.class_names[classIndex], probabilities};
  showInput(pixels, manifest.preprocessing.size);
  showPrediction(prediction, manifest.class_names);
  return prediction;
}

function showInput(pixels, [height, width]) {
  seen.width = width;
  seen.height = height;
  const context = seen.getContext("2d");
  const image = context.createImageData(width, height);
  for (let index = 0; index < pixels.length; index++) {
    image.data.fill(pixels[index], 4 * index, 4 * index + 3);
    image.data[4 * index + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

function showPrediction({classIndex, className, probabilities}, classNames) {
  document.getElementById("prediction").textContent = className;
  document.getElementById("confidence").textContent = `${(100 * probabilities[classIndex]).toFixed(1)}% sure`;
  const rows = classNames.map((name, index) => {
    const row = document.createElement("li");
    row.classList.toggle("best", index === classIndex);
    const label = document.createElement("span");
    label.textContent = name;
    const track = document.createElement("span");
    track.className = "track";
    const fill = document.createElement("span");
    fill.className = "fill";
    fill.style.width = `${(100 * probabilities[index]).toFixed(2)}%`;
    track.append(fill);
    const value = document.createElement("span");
    value.className = "value";
    value.textContent = `${(100 * probabilities[index]).toFixed(1)}%`;
    row.append(label, track, value);
    return row;
  });
  document.getElementById("bars").replaceChildren(...rows);
}

// The drawing pad: white strokes on black, like the MNIST digits.

function clearPad() {
  padContext.fillStyle = "#000";
  padContext.fillRect(0, 0, pad.width, pad.height);
  padContext.fillStyle = "#fff";
}

function padPoint(event) {
  const box = pad.getBoundingClientRect();
  return {x: (event.clientX - box.left) * pad.width / box.width, y: (event.clientY - box.top) * pad.height / box.height};
}

function inkBounds(image) {
  let left = image.width, top = image.height, right = -1, bottom = -1;
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      if (image.data[4 * (y * image.width + x)] > INK_THRESHOLD) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  return right < 0 ? null : {left, top, width: right - left + 1, height: bottom - top + 1};
}

// Moves the ink's centre of mass to the middle of the image, as MNIST's digits were placed.
function centreByMass(gray, width, height) {
  let mass = 0, sumX = 0, sumY = 0;
  gray.forEach((value, index) => {
    mass += value;
    sumX += value * (index % width);
    sumY += value * Math.floor(index / width);
  });
  const shiftX = Math.round((width - 1) / 2 - sumX / mass);
  const shiftY = Math.round((height - 1) / 2 - sumY / mass);
  const centred = new Uint8ClampedArray(gray.length);
  gray.forEach((value, index) => {
    const x = index % width + shiftX, y = Math.floor(index / width) + shiftY;
    if (x >= 0 && x < width && y >= 0 && y < height) {
      centred[y * width + x] = value;
    }
  });
  return centred;
}

// The strokes as the model's gray pixels: cropped to the ink, scaled to fit digit_box x
// digit_box pixels, centred by mass in size[0] x size[1].
function rasterise({size: [height, width], digit_box: box}) {
  const bounds = inkBounds(padContext.getImageData(0, 0, pad.width, pad.height));
  if (bounds === null) {
    return new Uint8ClampedArray(height * width);
  }
  const factor = box / Math.max(bounds.width, bounds.height);
  const small = document.createElement("canvas");
  small.width = width;
  small.height = height;
  const context = small.getContext("2d", {willReadFrequently: true});
  context.fillStyle = "#000";
  context.fillRect(0, 0, width, height);
  context.imageSmoothingQuality = "high";
  const drawnWidth = bounds.width * factor, drawnHeight = bounds.height * factor;
  context.drawImage(pad, bounds.left, bounds.top, bounds.width, bounds.height,
                    (width - drawnWidth) / 2, (height - drawnHeight) / 2, drawnWidth, drawnHeight);
  const rgba = context.getImageData(0, 0, width, height).data;
  const gray = new Uint8ClampedArray(width * height).map((_, index) => rgba[4 * index]);
  return centreByMass(gray, width, height);
}

// One prediction at a time while drawing; strokes made meanwhile are read by the next one.
let predicting = false;
let strokesSincePrediction = false;

async function predictDrawing() {
  strokesSincePrediction = true;
  if (predicting) {
    return;
  }
  predicting = true;
  document.body.dataset.busy = "true";
  try {
    const {manifest} = await loaded;
    while (strokesSincePrediction) {
      strokesSincePrediction = false;
      const pixels = rasterise(manifest.preprocessing);
      window.lastDrawing = {pixels: Array.from(pixels), prediction: await predictPixels(pixels)};
    }
  } catch (error) {
    showError(error);
  } finally {
    predicting = false;
    document.body.dataset.busy = "false";
  }
}

let lastPoint = null;

function drawTo(point) {
  padContext.beginPath();
  padContext.moveTo(lastPoint.x, lastPoint.y);
  padContext.lineTo(point.x, point.y);
  padContext.stroke();
  lastPoint = point;
}

pad.addEventListener("pointerdown", (event) => {
  event.preventDefault();
  pad.setPointerCapture(event.pointerId);
  lastPoint = padPoint(event);
  padContext.beginPath();
  padContext.arc(lastPoint.x, lastPoint.y, STROKE_WIDTH / 2, 0, 2 * Math.PI);
  padContext.fill();
});
pad.addEventListener("pointermove", (event) => {
  if (lastPoint !== null) {
    drawTo(padPoint(event));
    predictDrawing();
  }
});
for (const type of ["pointerup", "pointercancel"]) {
  pad.addEventListener(type, () => {
    if (lastPoint !== null) {
      lastPoint = null;
      predictDrawing();
    }
  });
}
document.getElementById("clear").addEventListener("click", () => {
  clearPad();
  document.getElementById("prediction").textContent = "–";
  document.getElementById("confidence").innerHTML = "&nbsp;";
  document.getElementById("bars").replaceChildren();
  seen.getContext("2d").clearRect(0, 0, seen.width, seen.height);
});

function showError(error) {
  statusLine.textContent = `Error: ${error.message}`;
  statusLine.classList.add("error");
}

clearPad();
padContext.strokeStyle = "#fff";
padContext.lineWidth = STROKE_WIDTH;
padContext.lineCap = "round";
padContext.lineJoin = "round";

window.predictPixels = predictPixels;
window.digitsReady = loaded.then(({manifest}) => {
  const {size: [height, width], channels} = manifest.preprocessing;
  statusLine.textContent = `Model ready: ${manifest.class_names.length} classes from ${height}×${width}×${channels} ` +
                           `pixels, onnxruntime-web ${ort.env.versions.web} (WebAssembly, one thread).`;
  return manifest;
}, (error) => {
  showError(error);
  throw error;
});
