#!/bin/bash
# bench/contention: a training step of xception-lite (64 px, batch 16) alone and beside one busy process,
# under libgomp's PASSIVE policy (spin count 0), short spins before sleeping (GOMP_SPINCOUNT; libgomp
# estimates ~100,000 spins per millisecond) and the ACTIVE policy. Medians of 10 steps, in ms.
# Run it on an otherwise idle machine: the busy process is the only competitor it means to measure.
cd "$(dirname "$0")/../.."
step() { env "$@" node bin/pareto-edge.js bench xception-lite --input 64 --batch 16 --steps 10 --json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.train.stepMs.median.toFixed(0))})'; }
settings=(${SETTINGS:-OMP_WAIT_POLICY=PASSIVE GOMP_SPINCOUNT=1000 GOMP_SPINCOUNT=10000 GOMP_SPINCOUNT=100000 OMP_WAIT_POLICY=ACTIVE})
for round in 1 2; do
  for setting in "${settings[@]}"; do
    echo "round $round alone $setting: $(step "$setting") ms"
    node -e 'const end=Date.now()+600000; while(Date.now()<end){}' & busy=$!
    sleep 1
    echo "round $round busy1 $setting: $(step "$setting") ms"
    kill $busy
  done
done
