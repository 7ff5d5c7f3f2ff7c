# Normalizes the probe's output so that two runs on one host compare: mountinfo loses mount
# ids, parent ids and device numbers, and peer group numbers; the bundle path is replaced.
BEGIN { section = "" }
/^== / { section = $2; print; next }
section == "mountinfo" {
        line = ""
        for (i = 4; i <= NF; i++) {
                f = $i
                if (f ~ /^(shared|master|propagate_from):[0-9]+$/)
                        sub(/:[0-9]+$/, ":N", f)
                line = line (line == "" ? "" : " ") f
        }
        gsub(bundle, "BUNDLE", line)
        print line
        next
}
{ gsub(bundle, "BUNDLE"); print }
