# workerd configuration for the edge test (tests/run.mjs runs `workerd serve` on it from
# build/tests/, where the build puts the worker bundle beside this file).
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [ (name = "main", worker = .worker) ],
  sockets = [ (name = "http", address = "127.0.0.1:8787", http = (), service = "main") ],
);

const worker :Workerd.Worker = (
  modules = [
    (name = "workerd.js", esModule = embed "workerd.js"),
    (name = "stepsize.wasm", wasm = embed "../stepsize.wasm"),
  ],
  compatibilityDate = "2026-10-20",
);
