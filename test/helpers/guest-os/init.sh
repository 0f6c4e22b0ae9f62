#!/bin/busybox sh
# The test guest's init: mount the kernel's file systems, load the virtio modules (in the order the
# image builder wrote to /modules.order), then run the block writer over every virtio disk and obey
# the host's commands on the control port (the second serial port, /dev/ttyS1):
#   STOP  -> stop writing, flush, print "SUM <disk> <md5 of the whole disk>" per disk, then "DONE"
# Each acknowledged write (dd with conv=fsync returned) is reported as "W <disk> <block> <gen>".
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do insmod "/lib/modules/$m.ko" || echo "insmod $m failed"; done
for i in $(seq 1 100); do [ -b /dev/vda ] && break; sleep 0.1; done
CTL=/dev/ttyS1
stty -F $CTL raw -echo 115200
DISKS=$(cd /sys/block && ls -d vd* 2>/dev/null)
echo "READY $DISKS" > $CTL
BS=4096
writer() {
  gen=0
  while :; do
    gen=$((gen + 1))
    for d in $DISKS; do
      blocks=$(( $(cat /sys/block/$d/size) / 8 ))
      blk=$(( RANDOM * 32768 + RANDOM ))
      blk=$(( blk % blocks ))
      { printf 'VDISKBLK %s %08d %08d\n' "$d" "$blk" "$gen"; head -c 4066 /dev/zero; } \
        | dd of=/dev/$d bs=$BS count=1 seek=$blk conv=notrunc,fsync iflag=fullblock 2>/dev/null \
        && echo "W $d $blk $gen" > $CTL
    done
  done
}
writer &
WPID=$!
while read -r cmd < $CTL; do
  case "$cmd" in
    STOP*)
      kill $WPID; wait $WPID 2>/dev/null
      sync
      for d in $DISKS; do echo "SUM $d $(md5sum < /dev/$d | cut -d' ' -f1)" > $CTL; done
      echo DONE > $CTL
      ;;
  esac
done
