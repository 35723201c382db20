/**
 * Test data: the first lines of each known layout (layouts.ts), as the data sets ship them, for
 * the recogniser's and the metadata reader's tests.
 */
export const FIXTURES = {
  'ratings.csv': 'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,3,4.5,964981247\n',
  'u.data': '196\t242\t3\t881250949\n186\t302\t3\t891717742\n22\t377\t1\t878887116\n',
  'ratings.dat': '1::1193::5::978300760\n1::661::3::978302109\n2::110::4.5::1230775980\n',
  'user_artists.dat': 'userID\tartistID\tweight\n2\t51\t13883\n2\t52\t11690\n',
  'tags.csv':
    'userId,movieId,tag,timestamp\n2,60756,funny,1445714994\n2,60756,"Highly, quotable",1445714996\n',
  'tags.dat': '15::4973::excellent!::1215184630\n20::1747::politics::1188263867\n',
  'movies.csv':
    'movieId,title,genres\n1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy\n' +
    '114335,La cravate (1957),(no genres listed)\n',
  'u.item':
    '1|Toy Story (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?Toy%20Story%20(1995)' +
    '|0|0|0|1|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0\n' +
    '2|GoldenEye (1995)|01-Jan-1995||http://us.imdb.com/M/title-exact?GoldenEye%20(1995)' +
    '|0|1|1|0|0|0|0|0|0|0|0|0|0|0|0|0|1|0|0\n' +
    '267|unknown||||1|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0|0\n',
  'movies.dat': "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Jumanji (1995)::Adventure\n",
  'artists.dat':
    'id\tname\turl\tpictureURL\n' +
    '1\tMALICE MIZER\thttp://www.last.fm/music/MALICE+MIZER\thttp://userserve-ak.last.fm/1.jpg\n' +
    '2\tDiary of Dreams\thttp://www.last.fm/music/Diary+of+Dreams\t\n',
  'u.user': '1|24|M|technician|85711\n2|53|F|other|94043\n3|17|M|writer|T8H1N\n4|33|F|none|15213\n',
  'users.dat': '1::F::1::10::48067\n2::M::56::16::70072\n3::M::25::15::55117\n',
};
