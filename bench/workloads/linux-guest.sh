# The in-guest workloads of `npm run bench` (linux-gzip, linux-sha256sum, linux-forks): run by
# the busybox /init of demo/linux/rootfs.cpio.gz as its /etc/selftest (kernel command line
# test=1), which the bench replaces with this file through a second archive appended to the
# initramfs, together with /bench/data.txt (generated text) and /bench/forks (the loop count).
# The files are in the initramfs's root file system, which lives in RAM (ramfs: the kernel has
# no CONFIG_SHMEM, so there is no separate tmpfs to mount; rootfs is the same kind of memory).
#
# Each workload is timed inside the guest from /proc/uptime (read with the shell's `read`
# builtin, so the timing forks nothing), 10 ms resolution, and printed as
#   bench-time NAME START END
# Everything else it prints is the workload's result, the same in every emulator.
set -e
cd /bench
read -r forks < forks
echo "data: $(wc -c < data.txt) bytes"

read -r t0 idle < /proc/uptime
gzip -9 -c data.txt > data.gz
read -r t1 idle < /proc/uptime
echo "bench-time gzip $t0 $t1"
echo "gzip -9: $(wc -c < data.gz) bytes, $(sha256sum < data.gz)"

read -r t0 idle < /proc/uptime
sha256sum data.txt
read -r t1 idle < /proc/uptime
echo "bench-time sha256sum $t0 $t1"

# fork and exec of a program (busybox itself, a static binary) per iteration.
read -r t0 idle < /proc/uptime
i=0
while [ "$i" -lt "$forks" ]; do
	/bin/true
	i=$((i + 1))
done
read -r t1 idle < /proc/uptime
echo "bench-time forks $t0 $t1"
echo "forks: $i runs of /bin/true"
echo "dynwasm selftest: OK"
