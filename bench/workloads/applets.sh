# The translation-heavy workload of `npm run bench`: busybox sh running many different applets
# once each, so that most of the code run is cold (translated and run a few times). Run as
# `busybox sh applets.sh` in a directory holding words.txt; prints what the applets print
# (deterministic, the same under every engine and natively with the host's busybox).
# `applets.sh quick` (npm run bench -- --quick) stops after the first few.
set -e
echo "== text"
head -n 5 words.txt
tail -n 3 words.txt
wc -l < words.txt
wc -w < words.txt
sort words.txt | uniq -c | sort -rn | head -n 5
[ "$1" = quick ] && exit 0
sort -u words.txt | wc -l
tr 'a-z' 'A-Z' < words.txt | head -n 2
cut -c 1-3 words.txt | sort | uniq | wc -l
grep -c e words.txt
grep -v e words.txt | head -n 2
sed -n '10,12p' words.txt
sed 's/e/E/g' words.txt | tail -n 1
awk '{ n += length($0) } END { print n, NR }' words.txt
rev words.txt | head -n 2
fold -w 4 words.txt | head -n 3
nl words.txt | tail -n 1
paste -d , words.txt words.txt | head -n 1
tac words.txt | head -n 1
expand words.txt | wc -c
od -A x -t x1 -N 32 words.txt
hexdump -C -n 32 words.txt
echo "== checksums"
md5sum words.txt
sha1sum words.txt
sha256sum words.txt
sha512sum words.txt
cal 2 2020
unexpand -a words.txt | wc -c
base64 words.txt | tail -n 1
echo "== numbers"
seq 1 5 | xargs echo
seq 10 -3 1
expr 6 \* 7
factor 360 1001
printf '%05d %x %s\n' 42 255 word
echo $((1 << 20))
echo "== files"
mkdir -p d/e
cp words.txt d/e/w
ln -s e/w d/link
ls d d/e
readlink d/link
basename /a/b/c.txt .txt
dirname /a/b/c.txt
stat -c '%s %n' d/e/w
du -k d/e/w | cut -f 1
cmp words.txt d/e/w && echo same
diff words.txt d/e/w && echo nodiff
find d -type f | sort
touch -d '2020-01-02 03:04:05' d/e/w
date -u -r d/e/w '+%Y-%m-%d %H:%M:%S'
gzip -c words.txt | gunzip -c | cmp - words.txt && echo gzip-ok
bzip2 -c words.txt | bunzip2 -c | cmp - words.txt && echo bzip2-ok
xz -dc /dev/null 2>/dev/null; true
tar -cf t.tar d && tar -tf t.tar | sort
rm -r d t.tar
echo "== misc"
true && ! false && echo logic
test -f words.txt && [ -s words.txt ] && echo test-ok
yes y | head -n 2
echo hello | tee out.txt | wc -c
cat out.txt
echo a:b:c | cut -d : -f 2
echo "3 1 2" | tr ' ' '\n' | sort -n | xargs
dc -e "2 64 ^ p"
uniq -d words.txt | wc -l
echo abc | dd bs=1 skip=1 2>/dev/null
echo
strings -n 6 words.txt | head -n 1
echo "done"
