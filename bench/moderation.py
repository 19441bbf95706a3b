"""Sensitive-word screen: the cost of building a 10,000-word list, and posts screened per
second for realistic posts (200-1,000 characters of mixed Chinese and English). Best and
median of several runs; prints figures, asserts nothing.

    .venv/bin/python bench/moderation.py [--words 10000] [--posts 2000] [--runs 5]

Everything is generated from a seed (--seed), so runs compare. The word list is random CJK
words of 2-4 characters (half of them starting with a character common in the posts, so
the automaton leaves its root often) and random Latin words and two-word phrases. One
post in ten has an evasive listed word put in at a random place (inside another word it
may no longer be a word, so fewer are flagged), so the hit path is in the figure. Wall
time and CPU time are both printed: on a shared machine the CPU time is the cost.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import string
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from chalicelib.feeds.readings import normalise  # noqa: E402
from chalicelib.feeds.screen import WordList  # noqa: E402

CHINESE = [
    "这款面霜质地很清爽，涂上去很快就吸收了，味道也淡淡的。",
    "物流很快，第二天就到了，包装完好无损。",
    "性价比很高，已经回购第三次了！",
    "颜色和图片一样，没有色差，好评。",
    "尺码偏小，建议拍大一码，我平时穿M这次买了L。",
    "宝宝很喜欢这个小熊玩偶，毛绒很软，洗了也不掉毛。",
    "客服态度很好，耐心解答了我的问题，还送了小样。",
    "鞋子穿着很舒服，走一天也不累脚，鞋底防滑。",
    "电池续航不错，充满能用两天，充电也快。",
    "屏幕显示清晰，色彩很逼真，看视频很爽。",
    "这个价格买到真是太值了，双十一囤了好几件。",
    "垃圾袋很厚实，装厨余也不漏，抽取很方便。",
    "给爸妈买的按摩仪，他们说很舒服，每天都在用。",
    "茶叶很香，泡了好几泡还有味道，包装也很精致。",
    "空气炸锅做鸡翅外酥里嫩，清洗也很简单。",
    "猫粮颗粒大小合适，主子爱吃，便便也正常。",
    "第一次在这家买，体验很好，会再来的。",
    "整体还行，就是物流稍微慢了一点，希望改进。",
    "面料摸起来很舒服，做工也很细致，没有线头。",
    "口红颜色很显白，薄涂厚涂都好看，不拔干。",
    "这个收纳盒尺寸刚好放进抽屉，强迫症福音。",
    "耳机降噪效果一般，但是音质不错，佩戴也舒服。",
    "孩子很喜欢这套绘本，每天睡前都要讲一个故事。",
    "保温杯保温效果很好，早上的热水晚上还是温的。",
]
ENGLISH = [
    "Really happy with this purchase. ",
    "The fabric feels soft and the stitching is neat. ",
    "Shipping took 3 days and the box arrived intact. ",
    "Great value for money, I already ordered a second one. ",
    "Runs a little small, so size up. ",
    "Works with my iPhone 15 and the Galaxy A55. ",
    "Battery lasts all day even with heavy use. ",
    "Setup was easy and the instructions were clear. ",
    "Would buy again! ",
    "The bass is punchy and the mids are clear. ",
    "4K HDR looks stunning, USB-C charging is fast. ",
    "Not bad for the price. ",
]
DECORATION = ["😍", "👍", "✨", "🔥", "～", "!!", "#好物分享 ", "@小红 ", "【种草】", "\n"]
EVASIONS = ["傻*逼", "刷 单", "加·微·信", "s.h.i.t", "Ｆｕｃｋ", "sc4m", "骗🙂子"]
LISTED = ["傻逼", "刷单", "加微信", "shit", "fuck", "scam", "骗子"]


def word_list_entries(count: int, rng: random.Random) -> list[str]:
    common = sorted({c for sentence in CHINESE for c in sentence if "\u4e00" <= c <= "\u9fff"})
    words = list(LISTED)
    while len(words) < count:
        roll = rng.random()
        if roll < 0.7:
            first = rng.choice(common) if rng.random() < 0.5 else _any_cjk(rng)
            words.append(first + "".join(_any_cjk(rng) for _ in range(rng.randint(1, 3))))
        elif roll < 0.95:
            words.append("".join(rng.choices(string.ascii_lowercase, k=rng.randint(4, 10))))
        else:
            words.append(" ".join("".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 7))) for _ in range(2)))
    return words


def _any_cjk(rng: random.Random) -> str:
    return chr(rng.randint(0x4E00, 0x9FA5))


def posts(count: int, rng: random.Random) -> list[str]:
    made = []
    for _ in range(count):
        target = rng.randint(200, 1000)
        parts: list[str] = []
        while sum(map(len, parts)) < target:
            pool = CHINESE if rng.random() < 0.7 else ENGLISH
            parts.append(rng.choice(pool))
            if rng.random() < 0.2:
                parts.append(rng.choice(DECORATION))
        post = "".join(parts)[:target]
        if rng.random() < 0.1:
            at = rng.randrange(len(post))
            post = post[:at] + rng.choice(EVASIONS) + post[at:]
        made.append(post)
    return made


def spelled_out_post(length: int, rng: random.Random) -> str:
    """The adversarial shape: every letter on its own, so every reading of the text is built."""
    return "".join(rng.choice(string.ascii_letters) + rng.choice(" .*_🙂") for _ in range(length // 2))


class Timing:
    """Wall time and this process's CPU time of one run: on a shared machine wall time also
    counts other processes, CPU time does not, so both are printed."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def __enter__(self) -> Timing:
        self._wall, self._cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self._wall
        self.cpu = time.process_time() - self._cpu


def runs_of(work, count: int) -> list[Timing]:
    timings = []
    for _ in range(count):
        with Timing() as timing:
            work()
        timings.append(timing)
    return timings


def rate(timings: list[Timing], items: int) -> str:
    wall = [t.wall for t in timings]
    cpu = min(t.cpu for t in timings)
    return (f"best {items / min(wall):7,.0f}/s   median {items / statistics.median(wall):7,.0f}/s"
            f"   CPU {items / cpu:7,.0f}/s ({cpu / items * 1e6:5.0f} us each)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--words", type=int, default=10_000)
    parser.add_argument("--posts", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    entries = word_list_entries(args.words, rng)
    sample = posts(args.posts, rng)
    adversarial = [spelled_out_post(1_000, rng) for _ in range(max(1, args.posts // 10))]
    characters = sum(map(len, sample))

    builds = runs_of(lambda: WordList(entries), args.runs)
    word_list = WordList(entries)
    normalising = runs_of(lambda: [normalise(text) for text in sample], args.runs)
    screening = runs_of(lambda: [word_list.screen(text) for text in sample], args.runs)
    spelled = runs_of(lambda: [word_list.screen(text) for text in adversarial], args.runs)
    one_post_cpu = []
    for text in sample:
        with Timing() as timing:
            word_list.screen(text)
        one_post_cpu.append(timing.cpu)
    flagged = sum(1 for text in sample if word_list.screen(text))

    best_build = min(t.wall for t in builds)
    cuts = statistics.quantiles(one_post_cpu, n=100)
    print(f"word list: {len(word_list):,} entries ({args.words:,} generated, seed {args.seed})")
    print(f"build (normalise every entry, two automata): best {best_build * 1000:5.0f} ms"
          f"   median {statistics.median(t.wall for t in builds) * 1000:5.0f} ms"
          f"   CPU {min(t.cpu for t in builds) * 1000:5.0f} ms")
    print(f"posts: {len(sample):,} of {min(map(len, sample))}-{max(map(len, sample))} characters "
          f"(mean {characters / len(sample):.0f}); flagged {flagged} ({flagged / len(sample):.0%})")
    print(f"normalise only:       {rate(normalising, len(sample))}")
    print(f"screen:               {rate(screening, len(sample))}")
    print(f"screen, one post CPU: p50 {cuts[49] * 1e6:5.0f} us   p99 {cuts[98] * 1e6:5.0f} us"
          f"   max {max(one_post_cpu) * 1e6:5.0f} us")
    print(f"spelled-out posts:    {rate(spelled, len(adversarial))}  (1,000 characters, every letter apart)")
    best_screen = min(t.wall for t in screening)
    print(json.dumps({
        "words": len(word_list), "build_ms": round(best_build * 1000),
        "posts_per_s": round(len(sample) / best_screen),
        "posts_per_cpu_s": round(len(sample) / min(t.cpu for t in screening)),
        "p50_cpu_us": round(cuts[49] * 1e6), "p99_cpu_us": round(cuts[98] * 1e6),
        "spelled_out_posts_per_s": round(len(adversarial) / min(t.wall for t in spelled)),
        "flagged": flagged, "posts": len(sample), "runs": args.runs,
    }))


if __name__ == "__main__":
    main()
