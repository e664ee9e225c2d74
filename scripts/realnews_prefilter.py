#!/usr/bin/env python3
"""Which real-news articles need a human verdict: those with at least K
violence words (usage: realnews_prefilter.py CORPUS K). The rest are labelled
none/no_violence with the note auto (data/relevance/README.md)."""
import re,sys,os,glob
STRONG=re.compile(r"\b(kill(ed|ing|ings)?|martyr\w*|blasts?|bomb\w*|militan\w*|terroris\w*|insurgen\w*|gunm[ae]n|shot dead|gunned down|injur(ed|ies)|wounded|ieds?|grenades?|abduct\w*|kidnap\w*|ambush\w*|khawarij|khwarij|suicide|explosions?|explosives?|assassinat\w*|gunfire|firing|shootout|clash(es)?|encounter|ibo|intelligence-based|militants?|dead|bodies|body)\b",re.I)
def need(path):
    t=open(path,errors='replace').read()
    return len(STRONG.findall(t))
if __name__=='__main__':
    d=sys.argv[1]; k=int(sys.argv[2])
    n=0
    for f in sorted(glob.glob(d+'/*.txt')):
        if need(f)>=k: n+=1; print(os.path.basename(f)[:-4])
