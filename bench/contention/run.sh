#!/bin/bash
# bench/contention: a training step of xception-lite (64 px, batch 16) alone and beside one busy process, with libgomp's
# PASSIVE (pareto-edge's default) and ACTIVE wait policies. Medians of 10 steps, printed as JSON medians.
cd "$(dirname "$0")/../.."
step() { node bin/pareto-edge.js bench xception-lite --input 64 --batch 16 --steps 10 "$@" --json 2>/dev/null | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);console.log(j.train.stepMs.median.toFixed(0))})'; }
for round in 1 2; do
  for policy in PASSIVE ACTIVE; do
    echo "round $round alone $policy: $(OMP_WAIT_POLICY=$policy step) ms"
    node -e 'const end=Date.now()+600000; while(Date.now()<end){}' & busy=$!
    sleep 1
    echo "round $round busy1 $policy: $(OMP_WAIT_POLICY=$policy step) ms"
    [ $policy = PASSIVE ] && echo "round $round busy1 $policy threads1: $(OMP_WAIT_POLICY=$policy step --threads 1) ms"
    kill $busy
  done
done
