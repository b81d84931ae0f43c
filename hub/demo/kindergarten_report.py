"""The demo's kindergarten-v1 transition report for Emma (Solstråla barnehage to Skåredalen skole), with the
mother's consent to share with the school; orgNr placeholders are filled with the demo organisations' numbers.
"""

from __future__ import annotations

TEMPLATE = """<?xml version="1.0" encoding="UTF-8"?>
<TransitionReport xmlns="urn:stafett:kindergarten:v1" reportId="SB-2025-0042" version="1.0"
                  createdAt="2025-04-03T09:00:00+02:00">
  <Kindergarten orgNr="{kindergarten}" kommunenummer="1106"><Name>Solstråla barnehage</Name></Kindergarten>
  <ReceivingSchool orgNr="{school}" kommunenummer="1106"><Name>Skåredalen skole</Name></ReceivingSchool>
  <Child>
    <NationalId>{child}</NationalId>
    <LocalId>SB-0042</LocalId>
    <Name use="official"><Given>Emma</Given><Family>Demo</Family></Name>
    <BirthDate>2019-02-04</BirthDate>
    <Sex>female</Sex>
  </Child>
  <LanguageBackground>
    <Language code="no" preferred="true"/>
    <Language code="pl"/>
    <Note>Polish at home with her father, Norwegian in kindergarten.</Note>
  </LanguageBackground>
  <Guardians>
    <Guardian id="mor">
      <NationalId>{mother}</NationalId>
      <Name use="official"><Given>Anna</Given><Family>Demo</Family></Name>
      <Relation>mother</Relation>
      <ParentalResponsibility>felles</ParentalResponsibility>
      <MaySeeLog>true</MaySeeLog>
      <Phone>+47 400 00 000</Phone>
    </Guardian>
  </Guardians>
  <Consents>
    <Consent id="overgang" guardian="mor" givenBy="guardian" status="active">
      <GivenTo orgNr="{school}" sector="school"><Name>Skåredalen skole</Name></GivenTo>
      <Category>early_childhood</Category>
      <Category>education</Category>
      <Category>home</Category>
      <Purpose>Overgang barnehage-skole: skolen får barnehagens overgangsrapport</Purpose>
      <GivenOn>2025-04-02</GivenOn>
    </Consent>
  </Consents>
  <StrengthsAndInterests>
    <Item id="s1">Emma elsker bildebøker og gjenforteller dem for de yngste barna.</Item>
  </StrengthsAndInterests>
  <Observations>
    <TrasObservation id="tras-2025" date="2025-02-10" ageBand="5-6" observer="pedagogisk leder">
      <Area code="samspill" result="mastered"/>
      <Area code="kommunikasjon" result="mastered"/>
      <Area code="spraakforstaaelse" result="mastered"/>
      <Area code="ordproduksjon" result="partly">Ordforrådet vokser, men mangler fortsatt en del begreper.</Area>
      <Summary>Tydelig fremgang i språkforståelse siden 2023; ordproduksjon fortsatt noe under forventet nivå.</Summary>
    </TrasObservation>
  </Observations>
  <Measures>
    <Measure id="skolebesok" responsibleOrgNr="{kindergarten}" status="planned">
      <Description>Tre besøk på Skåredalen skole i mai og juni sammen med en kjent voksen.</Description>
      <Start>2025-05-05</Start>
      <EvaluationDue>2025-06-20</EvaluationDue>
    </Measure>
  </Measures>
  <TransitionMeetings>
    <Meeting id="overgangsmote" at="2025-04-02T14:00:00">
      <Participant>Pedagogisk leder, Solstråla barnehage</Participant>
      <Participant>Kontaktlærer, Skåredalen skole</Participant>
      <Participant>Anna Demo (mor)</Participant>
      <Summary>Enige om skolebesøk før sommeren og videre språkstøtte i første klasse.</Summary>
    </Meeting>
  </TransitionMeetings>
</TransitionReport>
"""


def report(*, kindergarten_orgnr: str, school_orgnr: str, child_fnr: str, mother_fnr: str) -> bytes:
    return TEMPLATE.format(kindergarten=kindergarten_orgnr, school=school_orgnr, child=child_fnr, mother=mother_fnr).encode()
