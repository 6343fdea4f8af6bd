"""Fixed vocabularies of the campaigns app."""

# The office's usual teams (办公室内设组), in the order the speech's office is organised.
DEFAULT_TEAMS: tuple[tuple[str, str], ...] = (
    ("综合组", "统筹谋划、组织协调，定期召开会议，编发简报、通报情况"),
    ("材料组", "起草文件、研究工作安排和具体措施，为领导小组把关定向提供参考"),
    ("宣传组", "宣传报道、舆情监控和引导，讲好“故事”，用好“案例”"),
    ("联络组", "承担指导组职责，督促指导联系单位，发现问题、解决问题"),
)
